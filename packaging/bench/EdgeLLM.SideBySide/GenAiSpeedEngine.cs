using Microsoft.ML.OnnxRuntimeGenAI;

namespace EdgeLLM.SideBySide;

/// <summary>
/// ONNX Runtime GenAI 0.19 driving an EdgeLLM graph as an <see cref="ISpeedEngine"/>: AppendTokens runs
/// the prompt, each GenerateNextToken picks the argmax (greedy search) and, after the first, runs one step.
/// </summary>
internal sealed class GenAiSpeedEngine : ISpeedEngine
{
    private readonly Model model;
    private readonly GeneratorParams parameters;
    private readonly Generator generator;

    public GenAiSpeedEngine(string folder, int contextLength)
    {
        model = new Model(folder);
        parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", contextLength);
        parameters.SetSearchOption("do_sample", false);
        generator = new Generator(model, parameters);
    }

    public int Prompt(int[] ids)
    {
        generator.AppendTokens(ids);
        return Next();
    }

    public int Step(int token) => Next();

    public void Dispose()
    {
        generator.Dispose();
        parameters.Dispose();
        model.Dispose();
    }

    private int Next()
    {
        generator.GenerateNextToken();
        return generator.GetSequence(0)[^1];
    }
}
