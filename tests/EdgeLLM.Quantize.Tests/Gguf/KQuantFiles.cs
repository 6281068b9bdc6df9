using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;
using LLama.Native;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>The tiny-k256 checkpoint, our f16 GGUF of it, and llama.cpp's own Q4_K_M and Q6_K of that file.</summary>
public sealed class KQuantFiles : IDisposable
{
    public const string Shape = "tiny-k256";

    private readonly TempFolder temp = TestPaths.CreateTemp("k-quant-files");

    public KQuantFiles()
    {
        string checkpoint = System.IO.Path.Combine(temp.Path, Shape);
        CheckpointSynthesizer.Synthesize(new SynthesisRequest
        {
            Shape = SyntheticShapes.Find(Shape),
            TokenizerFolder = TestTokenizers.ForShape("tiny-r1-qwen2"),
            OutputFolder = checkpoint,
        });
        using (CheckpointFolder folder = CheckpointFolder.Open(checkpoint))
        {
            GgufExporter.Export(folder, checkpoint, F16, GgufExportType.F16, overwrite: false);
        }

        LlamaCpp.Quantize(F16, Path(LLamaFtype.MOSTLY_Q4_K_M), LLamaFtype.MOSTLY_Q4_K_M, GGMLType.GGML_TYPE_Q6_K);
        LlamaCpp.Quantize(F16, Path(LLamaFtype.MOSTLY_Q6_K), LLamaFtype.MOSTLY_Q6_K, GGMLType.GGML_TYPE_Q6_K);
    }

    public string F16 => System.IO.Path.Combine(temp.Path, $"{Shape}.f16.gguf");

    public string Path(LLamaFtype type) => System.IO.Path.Combine(temp.Path, $"{Shape}.{type}.gguf");

    public void Dispose() => temp.Dispose();
}
