using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm tokenize</c>: like llama-tokenize, prints the ids of a text (from <c>-p</c> or stdin), one
/// <c>id -> 'piece'</c> line per token, or <c>{"ids": [...], "tokens": [...]}</c> with <c>--json</c>.
/// </summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model or tokenizer folder (holds tokenizer.json)", Required = true };
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Text to tokenize (default: read stdin)" };
        var special = new Option<bool>("--special") { Description = "Add the tokenizer's special tokens (the post-processor's BOS)" };
        var json = new Option<bool>("--json") { Description = "Print {\"ids\": [...], \"tokens\": [...]}" };

        var command = new Command("tokenize", "Show the token ids of a text");
        command.Options.Add(model);
        command.Options.Add(prompt);
        command.Options.Add(special);
        command.Options.Add(json);
        command.SetAction(parse => CommandErrors.Run("tokenize", () =>
        {
            TextTokenizer tokenizer = TokenizerLoader.Load(parse.GetValue(model)!);
            string text = parse.GetValue(prompt) ?? Console.In.ReadToEnd();
            EncodedText encoded = tokenizer.Encode(text, parse.GetValue(special));
            Console.Out.Write(parse.GetValue(json) ? FormatJson(encoded) : FormatLines(tokenizer, encoded));
            return 0;
        }));
        return command;
    }

    /// <summary>One line per token: the id, then the text it decodes to on its own.</summary>
    public static string FormatLines(TextTokenizer tokenizer, EncodedText encoded)
    {
        var lines = new System.Text.StringBuilder();
        foreach (int id in encoded.Ids)
        {
            lines.Append($"{id,6} -> '{tokenizer.Decode([id])}'\n");
        }

        return lines.ToString();
    }

    /// <summary><c>{"ids": [...], "tokens": [...]}</c> with the vocabulary spelling of each token.</summary>
    public static string FormatJson(EncodedText encoded) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteIds("ids", encoded.Ids);
        writer.WriteStartArray("tokens");
        foreach (string token in encoded.Tokens)
        {
            writer.WriteStringValue(token);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }) + "\n";
}
