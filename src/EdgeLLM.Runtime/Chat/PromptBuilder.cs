using EdgeLLM.Format;
using EdgeLLM.Text.Templates;
using EdgeLLM.Text.Tokenization;
using TemplateMessage = EdgeLLM.Text.Templates.ChatMessage;

namespace EdgeLLM.Runtime.Chat;

/// <summary>
/// Text → ids for a model folder: renders a conversation with the model's own chat template (think
/// on/off included) and encodes it the way Hugging Face's apply_chat_template does; encodes plain
/// prompts with the tokenizer's BOS. Needs no ONNX Runtime session.
/// </summary>
public sealed class PromptBuilder
{
    private PromptBuilder(TextTokenizer tokenizer, ChatTemplate? template)
    {
        Tokenizer = tokenizer;
        Template = template;
        ReasoningEndTokenId = tokenizer.TokenToId(ReasoningSplitter.CloseTag);
        ReasoningEndIds = ReasoningEndTokenId is null ? [] : tokenizer.Encode("\n" + ReasoningSplitter.CloseTag + "\n\n", addSpecialTokens: false).Ids;
    }

    public TextTokenizer Tokenizer { get; }

    /// <summary>The model's chat template, or null when tokenizer_config.json has none.</summary>
    public ChatTemplate? Template { get; }

    /// <summary>The id of "&lt;/think&gt;" when the vocabulary has it as one token.</summary>
    public int? ReasoningEndTokenId { get; }

    /// <summary>What is inserted when a reasoning budget runs out: "\n&lt;/think&gt;\n\n".</summary>
    public IReadOnlyList<int> ReasoningEndIds { get; }

    public static PromptBuilder Load(string folder)
    {
        TextTokenizer tokenizer = TokenizerLoader.Load(folder);
        ChatTemplate? template = tokenizer.ChatTemplate is { } source
            ? ChatTemplate.Create(source, tokenizer.BeginningOfSequenceToken, tokenizer.EndOfSequenceToken)
            : null;
        return new PromptBuilder(tokenizer, template);
    }

    /// <summary>Renders the conversation (a system prompt first when given and not already there), ready for the reply.</summary>
    public string Render(IReadOnlyList<ChatMessage> conversation, ChatSettings settings, CancellationToken cancellation = default)
    {
        ChatTemplate template = Template ?? throw new EdgeLlmException("this model's tokenizer_config.json has no chat_template: use a plain prompt instead of chat");
        List<TemplateMessage> messages = [];
        if (!string.IsNullOrEmpty(settings.SystemPrompt) && (conversation.Count == 0 || conversation[0].Role != "system"))
        {
            messages.Add(new TemplateMessage("system", settings.SystemPrompt));
        }

        foreach (ChatMessage message in conversation)
        {
            messages.Add(new TemplateMessage(message.Role, message.Content));
        }

        bool templateSkipsThinking = settings.Think == ThinkMode.Off && template.Source.Contains("enable_thinking", StringComparison.Ordinal);
        Dictionary<string, object?>? variables = templateSkipsThinking
            ? new Dictionary<string, object?>(StringComparer.Ordinal) { ["enable_thinking"] = false }
            : null;
        string rendered = template.Render(messages, addGenerationPrompt: true, variables, cancellation);
        if (settings.Think == ThinkMode.Off && !templateSkipsThinking && ReasoningEndTokenId is not null)
        {
            // No template switch: close the reasoning block at once, the way the R1 distills write an empty one.
            rendered += StartsInReasoning(rendered) ? "\n</think>\n\n" : "<think>\n\n</think>\n\n";
        }

        return rendered;
    }

    /// <summary>Encodes a rendered chat prompt: no BOS is added, the template wrote it.</summary>
    public IReadOnlyList<int> EncodeRendered(string rendered) => Tokenizer.Encode(rendered, addSpecialTokens: false).Ids;

    /// <summary>Encodes plain text with what the tokenizer's post-processor adds (BOS).</summary>
    public IReadOnlyList<int> EncodePlain(string text) => Tokenizer.Encode(text, addSpecialTokens: true).Ids;

    /// <summary>True when the rendered prompt leaves the model inside a reasoning block.</summary>
    public static bool StartsInReasoning(string rendered) => ReasoningSplitter.ForPrompt(rendered).Mode == ReasoningKind.Reasoning;
}
