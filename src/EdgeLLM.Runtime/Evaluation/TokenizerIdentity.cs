using System.Security.Cryptography;
using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Evaluation;

/// <summary>
/// Two model folders share a tokenizer when their tokenizer.json and tokenizer_config.json hash the same
/// (SHA-256); their vocabulary sizes (logits widths) are compared once the models are open.
/// </summary>
public static class TokenizerIdentity
{
    /// <summary>The files compared, in order.</summary>
    public static IReadOnlyList<string> Files { get; } = ["tokenizer.json", "tokenizer_config.json"];

    /// <summary>Throws <see cref="EdgeLlmException"/> naming the first file that differs (or exists in only one folder).</summary>
    public static void EnsureSame(string model, string reference)
    {
        foreach (string name in Files)
        {
            string? modelHash = Hash(Path.Combine(model, name));
            string? referenceHash = Hash(Path.Combine(reference, name));
            if (!string.Equals(modelHash, referenceHash, StringComparison.Ordinal))
            {
                throw new EdgeLlmException($"'{model}' and '{reference}' have different tokenizers ({name} differs): KL divergence compares the same tokens, so both must come from one checkpoint");
            }
        }
    }

    private static string? Hash(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
