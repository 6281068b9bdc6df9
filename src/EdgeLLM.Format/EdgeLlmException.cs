namespace EdgeLLM.Format;

/// <summary>
/// An expected failure a user can cause and fix: a damaged or wrong file, an unsupported model or configuration, a
/// refused setting, not enough memory. Its message is one line naming the file, field or setting, and names no
/// command-line flag (the CLI adds those). The CLI prints it as an error and exits 1; any other exception type
/// from the libraries is a bug. Unsealed for the few failures a caller tells apart (a full context, a bad template).
/// </summary>
public class EdgeLlmException : Exception
{
    public EdgeLlmException()
        : base("EdgeLLM could not complete the operation")
    {
    }

    public EdgeLlmException(string message)
        : base(message)
    {
    }

    public EdgeLlmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
