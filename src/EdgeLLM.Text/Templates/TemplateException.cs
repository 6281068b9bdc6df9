using EdgeLLM.Format;

namespace EdgeLLM.Text.Templates;

/// <summary>
/// A template could not be parsed or rendered: a syntax error, an unsupported construct, a sandbox limit,
/// a type error, or <c>raise_exception(...)</c> called by the template. The message names the line:column.
/// It is an <see cref="EdgeLlmException"/>: a bad template is bad input, reported in one line.
/// </summary>
public sealed class TemplateException : EdgeLlmException
{
    public TemplateException(string message)
        : base(EdgeLLM.Format.Files.MessageText.OneLine(message))
    {
        Detail = message;
    }

    public TemplateException(string message, SourcePosition position)
        : base(EdgeLLM.Format.Files.MessageText.OneLine($"chat template {position}: {message}"))
    {
        Detail = message;
        Position = position;
    }

    public TemplateException()
        : this("template error")
    {
    }

    public TemplateException(string message, Exception innerException)
        : base(EdgeLLM.Format.Files.MessageText.OneLine(message), innerException)
    {
        Detail = message;
    }

    /// <summary>The message without the position prefix.</summary>
    public string Detail { get; }

    /// <summary>Where in the template the error happened; null until the evaluator attaches it.</summary>
    public SourcePosition? Position { get; }

    /// <summary>True for errors the template raised itself through <c>raise_exception</c>.</summary>
    public bool RaisedByTemplate { get; init; }

    internal TemplateException At(SourcePosition position) =>
        Position is null ? new TemplateException(Detail, position) { RaisedByTemplate = RaisedByTemplate } : this;
}
