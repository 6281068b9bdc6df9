using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// Streams a reply as it comes: the answer to stdout, the reasoning to stderr (dimmed on a terminal);
/// prints nothing while a JSON object is requested.
/// </summary>
internal sealed class ReplyPrinter(bool json, ThinkMode think, bool errorRedirected)
{
    private const string Dim = "\u001b[2m";
    private const string Reset = "\u001b[0m";
    private bool reasoningOpen;
    private bool anyAnswer;

    public void Print(ChatStreamEvent piece)
    {
        if (json)
        {
            return;
        }

        if (piece.Part == ReplyPart.Reasoning)
        {
            if (think != ThinkMode.On)
            {
                return;
            }

            if (!reasoningOpen && !errorRedirected)
            {
                Console.Error.Write(Dim);
            }

            reasoningOpen = true;
            Console.Error.Write(piece.Text);
            Console.Error.Flush();
            return;
        }

        CloseReasoning();
        anyAnswer = true;
        Console.Out.Write(piece.Text);
        Console.Out.Flush();
    }

    public void Finish()
    {
        CloseReasoning();
        if (anyAnswer)
        {
            Console.Out.WriteLine();
        }
    }

    private void CloseReasoning()
    {
        if (!reasoningOpen)
        {
            return;
        }

        reasoningOpen = false;
        Console.Error.WriteLine(errorRedirected ? string.Empty : Reset);
    }
}
