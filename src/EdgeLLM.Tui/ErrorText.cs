using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Tui;

/// <summary>Turns a failure into the one clear sentence an error dialog shows.</summary>
public static class ErrorText
{
    public static string OneSentence(Exception exception, string doing) => exception switch
    {
        ContextFullException full =>
            $"The conversation is full ({full.Position} of {full.ContextLength} tokens): start a new chat (Ctrl+N) or raise the context in Settings (F2).",
        // A failure loading ONNX Runtime's built-in library surfaces from ONNX Runtime's static constructor.
        TypeInitializationException { InnerException: { } inner } => OneSentence(inner, doing),
        OutOfMemoryException =>
            $"Not enough memory while {doing}: pick a smaller model or a shorter context (F2).",
        _ => $"Could not {doing}: {Sentence(exception.Message)}",
    };

    private static string Sentence(string message)
    {
        string line = message.ReplaceLineEndings(" ").Trim();
        return line.EndsWith('.') ? line : line + ".";
    }
}
