namespace EdgeLLM.Format.ModelFolder;

/// <summary>What genai_config.json describes of the decoder: its type, dimensions, special ids and sampling defaults.</summary>
public sealed record GenAiModel(
    string ModelType,
    int? BosTokenId,
    IReadOnlyList<int> EosTokenIds,
    int? PadTokenId,
    int HeadDim,
    int HiddenSize,
    int HeadCount,
    int LayerCount,
    int KvHeadCount,
    int VocabSize,
    GenerationDefaults Generation);
