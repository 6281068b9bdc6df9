using EdgeLLM.Runtime.Engines.Cpu;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Runtime.Engines;

/// <summary>
/// Opens the engine <see cref="SessionSettings.Engine"/> asks for: <c>cpu</c> is EdgeLLM's CPU engine (an
/// unsupported folder is one line), <c>onnx</c> and <c>auto</c> are ONNX Runtime. Auto stays on ONNX Runtime
/// because its kernels are still the faster ones on the CPU (docs/performance.md); the command line's planner
/// turns auto into <c>cpu</c> when only the CPU engine's mapped weights fit in memory.
/// </summary>
public static class DecoderEngines
{
    public static IDecoderEngine Open(string modelFolder, int contextLength, SessionSettings settings, Action<string>? notice = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Engine == EngineChoice.Cpu)
        {
            if (settings.ExecutionProvider != ExecutionProvider.Cpu)
            {
                throw new ArgumentException($"--engine cpu runs on the CPU only, not with the {settings.ExecutionProvider} provider");
            }

            try
            {
                return OpenCpu(modelFolder, contextLength, settings);
            }
            catch (NotSupportedException exception)
            {
                throw new NotSupportedException($"the CPU engine cannot run '{modelFolder}': {exception.Message} (use --engine onnx)", exception);
            }
        }

        return ModelSession.Open(modelFolder, contextLength, settings.Threads, settings.ExecutionProvider, notice, settings.DeviceId, settings.PrefillChunk);
    }

    private static CpuEngine OpenCpu(string modelFolder, int contextLength, SessionSettings settings)
        => CpuEngine.Open(modelFolder, new CpuEngineOptions
        {
            ContextLength = contextLength,
            Threads = settings.Threads,
            PrefillChunk = settings.PrefillChunk,
            KvCache = settings.KvCache,
        });
}
