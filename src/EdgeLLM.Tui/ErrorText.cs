using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Tui;

/// <summary>Turns a failure into the one clear sentence an error dialog shows.</summary>
public static class ErrorText
{
    /// <param name="exception">What went wrong.</param>
    /// <param name="doing">What was being done, as an infinitive ("load the model tiny").</param>
    public static string OneSentence(Exception exception, string doing) => exception switch
    {
        ContextFullException full =>
            $"The conversation is full ({full.Position} of {full.ContextLength} tokens): start a new chat (Ctrl+N) or raise the context in Settings (F2).",

        // The memory planner's refusal names what is needed, what is available and what would fit.
        InsufficientMemoryException refusal =>
            $"Not enough memory to {doing}: {Sentence(refusal.Message)}",
        OutOfMemoryException =>
            $"Not enough memory to {doing}: pick a smaller model or a shorter context (F2).",
        _ => $"Could not {doing}: {Sentence(exception.Message)}",
    };

    private static string Sentence(string message)
    {
        string line = message.ReplaceLineEndings(" ").Trim();
        return line.EndsWith('.') ? line : line + ".";
    }
}
