using System.Globalization;
using System.Text;
using EdgeLLM.Format.Providers;

namespace EdgeLLM.Tui.Status;

/// <summary>What the status line shows; <see cref="Format"/> fits it into the window width.</summary>
public sealed record StatusFigures
{
    public string? ModelName { get; init; }

    public string? Precision { get; init; }

    public string? ExecutionProvider { get; init; }

    /// <summary>"cpu" (EdgeLLM's CPU engine) or "onnx" (ONNX Runtime); null before a model is open.</summary>
    public string? Engine { get; init; }

    public int Threads { get; init; }

    public double? PrefillTokensPerSecond { get; init; }

    public double? DecodeTokensPerSecond { get; init; }

    public int ContextUsed { get; init; }

    public int ContextLength { get; init; }

    public long ResidentBytes { get; init; }

    /// <summary>"generating (Esc stops)", "loading model", ...; null when idle.</summary>
    public string? Activity { get; init; }

    public string Format(int width)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        var tail = new StringBuilder();
        if (ExecutionProvider is not null)
        {
            tail.Append(" | ").Append(ExecutionProvider);
            if (Engine is not null)
            {
                tail.Append(' ').Append(Engine == "cpu" ? "EdgeLLM" : "ORT");
            }
            if (Threads > 0)
            {
                // 0: ONNX Runtime picks (one per physical core); nothing worth showing.
                tail.Append(' ').Append(Threads.ToString(invariant)).Append('t');
            }
        }

        if (PrefillTokensPerSecond is { } prefill && DecodeTokensPerSecond is { } decode)
        {
            tail.Append(" | ").Append(prefill.ToString("0", invariant)).Append('/').Append(decode.ToString("0.0", invariant)).Append(" tok/s");
        }

        if (ContextLength > 0)
        {
            tail.Append(" | ctx ").Append(ContextUsed.ToString(invariant)).Append('/').Append(ContextLength.ToString(invariant));
        }

        tail.Append(" | ").Append((ResidentBytes / (1024 * 1024)).ToString(invariant)).Append(" MiB");
        if (Activity is not null)
        {
            tail.Append(" | ").Append(Activity);
        }

        string model = ModelName is null ? "no model" : Precision is null ? ModelName : $"{ModelName} {Precision}";
        int room = width - tail.Length;
        if (model.Length > room)
        {
            model = room > 1 ? string.Concat(model.AsSpan(0, room - 1), "~") : string.Empty;
        }

        string line = model + tail;
        return line.Length > width ? line[..width] : line;
    }
}
