using System.CommandLine;
using System.Globalization;
using System.Text;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Evaluation;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm eval</c>: perplexity of a model on a text the way llama-perplexity measures it, and with
/// <c>--reference</c> the KL divergence, top-1 agreement and Δp against another quantization of the same
/// model (the figures of llama-perplexity's <c>--kl-divergence</c>); one JSON object with <c>--json</c>.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new ModelOption("EdgeLLM model folder to measure (or the name of one found in a kit's models/ or ~/.edgellm/models)");
        var referenceOption = new Option<string?>("--reference") { Description = "Model folder to compare with (same tokenizer): usually the fp32 or int8 conversion of the same checkpoint" };
        var textOption = new Option<string?>("--text-file") { Description = "UTF-8 text, tokenized as it is with the tokenizer's BOS (llama-perplexity -f)" };
        var promptOption = new Option<string?>("--prompt-file") { Description = "UTF-8 text rendered as one user turn with the model's chat template, then scored" };
        var contextOption = new Option<int>("--context", "-c") { Description = "Tokens per chunk; the second half of each chunk is scored (default 512, or the model's maximum when smaller)" };
        var chunksOption = new Option<int>("--chunks") { Description = "Evaluate at most this many chunks (default: every whole chunk of the text)" };
        var threadsOption = new Option<int>("--threads") { Description = "Compute threads (default: one per physical core)" };
        var engineOption = new Option<string>("--engine") { Description = "Engine for both models: auto (EdgeLLM's CPU engine when it supports the folder, else ONNX Runtime), cpu or onnx", HelpName = "auto|cpu|onnx", DefaultValueFactory = _ => "auto" };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object instead of the table" };
        var command = new Command("eval", "Perplexity on a text, and KL divergence against a reference model, as llama-perplexity measures them");
        model.AddTo(command);
        foreach (Option option in new Option[] { referenceOption, textOption, promptOption, contextOption, chunksOption, threadsOption, engineOption, jsonOption })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => CommandErrors.Run("eval", () =>
        {
            string? textFile = parse.GetValue(textOption);
            string? promptFile = parse.GetValue(promptOption);
            if ((textFile is null) == (promptFile is null))
            {
                throw new EdgeLlmException("give one of --text-file and --prompt-file");
            }

            int context = parse.GetValue(contextOption);
            int chunks = parse.GetValue(chunksOption);
            int threads = parse.GetValue(threadsOption);
            if (context < 0 || chunks < 0 || threads < 0)
            {
                throw new EdgeLlmException(context < 0 ? "--context must be positive" : chunks < 0 ? "--chunks must be positive" : "--threads must be 0 or more");
            }

            string file = textFile ?? promptFile!;
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"'{file}' not found");
            }

            string? reference = parse.GetValue(referenceOption);
            var request = new EvaluationRequest
            {
                ModelFolder = model.Resolve(parse),
                ReferenceFolder = reference is null ? null : ModelChecks.Resolve(reference),
                Text = File.ReadAllText(file, Encoding.UTF8),
                TextIsChatPrompt = promptFile is not null,
                Engine = EngineNames.ParseEngine(parse.GetValue(engineOption)!),
                Context = context,
                MaxChunks = chunks,
                Threads = threads,
            };
            using var cancellation = new ConsoleCancellation();
            using var bar = new EvaluationProgressLine();
            EvaluationResult result = FolderEvaluation.Run(request, notice => Console.Error.WriteLine($"edgellm eval: {notice}"), bar.Sink, cancellation.Token);
            bar.Clear();
            Console.Out.WriteLine(parse.GetValue(jsonOption) ? Json(result) : Table(result));
            return 0;
        }));
        return command;
    }

    private static string Table(EvaluationResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"tokens: {result.TextTokens} in the text, {result.Chunks} chunk(s) of {result.Context}, {result.ScoredTokens} scored"));
        text.Append(Invariant($"PPL: {result.Perplexity.Value:F4} ± {result.Perplexity.Error:F5}"));
        if (result.Reference is { } r)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"PPL(reference): {r.ReferencePerplexity.Value:F4} ± {r.ReferencePerplexity.Error:F5}"));
            text.AppendLine(Invariant($"Mean ln(PPL/PPL(reference)): {r.LogPerplexityRatio.Value:F6} ± {r.LogPerplexityRatio.Error:F6}"));
            text.AppendLine(Invariant($"Mean KLD: {r.MeanKl.Value:F6} ± {r.MeanKl.Error:F6}"));
            text.AppendLine(Invariant($"Maximum KLD: {r.MaxKl:F6}"));
            text.AppendLine(Invariant($"99.9% KLD: {r.P999Kl:F6}"));
            text.AppendLine(Invariant($"99.0% KLD: {r.P99Kl:F6}"));
            text.AppendLine(Invariant($"Median KLD: {r.MedianKl:F6}"));
            text.AppendLine(Invariant($"Mean Δp: {100 * r.MeanDeltaP.Value:F3} ± {100 * r.MeanDeltaP.Error:F3} %"));
            text.AppendLine(Invariant($"RMS Δp: {100 * r.RmsDeltaP.Value:F3} ± {100 * r.RmsDeltaP.Error:F3} %"));
            text.Append(Invariant($"Same top p: {100 * r.TopOneAgreement.Value:F3} ± {100 * r.TopOneAgreement.Error:F3} %"));
        }

        return text.ToString();
    }

    private static string Json(EvaluationResult result) => JsonText.Write(
        writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("text_tokens", result.TextTokens);
            writer.WriteNumber("context", result.Context);
            writer.WriteNumber("chunks", result.Chunks);
            writer.WriteNumber("tokens", result.ScoredTokens);
            writer.WriteNumber("perplexity", result.Perplexity.Value);
            writer.WriteNumber("perplexity_error", result.Perplexity.Error);
            if (result.Reference is { } r)
            {
                writer.WriteNumber("reference_perplexity", r.ReferencePerplexity.Value);
                writer.WriteNumber("reference_perplexity_error", r.ReferencePerplexity.Error);
                writer.WriteNumber("ln_perplexity_ratio", r.LogPerplexityRatio.Value);
                writer.WriteNumber("ln_perplexity_ratio_error", r.LogPerplexityRatio.Error);
                writer.WriteNumber("mean_kl", r.MeanKl.Value);
                writer.WriteNumber("mean_kl_error", r.MeanKl.Error);
                writer.WriteNumber("max_kl", r.MaxKl);
                writer.WriteNumber("p99_kl", r.P99Kl);
                writer.WriteNumber("p999_kl", r.P999Kl);
                writer.WriteNumber("median_kl", r.MedianKl);
                writer.WriteNumber("top1_agreement", r.TopOneAgreement.Value);
                writer.WriteNumber("top1_agreement_error", r.TopOneAgreement.Error);
                writer.WriteNumber("mean_delta_p", r.MeanDeltaP.Value);
                writer.WriteNumber("mean_delta_p_error", r.MeanDeltaP.Error);
                writer.WriteNumber("rms_delta_p", r.RmsDeltaP.Value);
                writer.WriteNumber("rms_delta_p_error", r.RmsDeltaP.Error);
                writer.WriteNumber("max_abs_delta_p", r.MaxAbsDeltaP);
            }

            writer.WriteEndObject();
        },
        indented: true);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
