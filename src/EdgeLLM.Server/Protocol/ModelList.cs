namespace EdgeLLM.Server.Protocol;

/// <summary>GET /v1/models: the one model served.</summary>
public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

/// <summary>A model entry; context_length is the KV cache length the server runs with (llama.cpp calls it n_ctx).</summary>
public sealed record ModelCard(string Id, string Object, long Created, string OwnedBy, int ContextLength);

/// <summary>GET /health once the model is loaded.</summary>
public sealed record HealthStatus(string Status);
