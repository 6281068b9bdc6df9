using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Engines.Cpu;
using EdgeLLM.Runtime.Engines.Onnx;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Engines.Cpu.Loading;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Runtime.Engines;

/// <summary>
/// Opens the engine <see cref="SessionSettings.Engine"/> asks for: <c>cpu</c> is EdgeLLM's CPU engine (an
/// unsupported folder is one line), <c>onnx</c> is ONNX Runtime, and <c>auto</c> is the CPU engine on the CPU
/// provider when it supports the folder (its weights stay mapped file pages and it decodes faster,
/// docs/performance.md), ONNX Runtime otherwise (other providers, or a folder the CPU engine does not run: a notice
/// says why). The command line's planner resolves auto before this (<c>RunPlanning</c>).
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
                throw new EdgeLlmException($"the CPU engine runs on the CPU only, not with the {settings.ExecutionProvider} provider");
            }

            try
            {
                return OpenCpu(modelFolder, contextLength, settings);
            }
            catch (UnsupportedGraphException exception)
            {
                throw new EdgeLlmException($"the CPU engine cannot run '{modelFolder}': {exception.Message} (choose the onnx engine)", exception);
            }
        }

        if (settings.Engine == EngineChoice.Auto && settings.ExecutionProvider == ExecutionProvider.Cpu)
        {
            // The graph is read before anything is allocated, so an unsupported folder costs one parse.
            try
            {
                return OpenCpu(modelFolder, contextLength, settings);
            }
            catch (UnsupportedGraphException unsupported)
            {
                notice?.Invoke(AutoFallbackNotice(unsupported.Message));
            }
        }

        return ModelSession.Open(modelFolder, contextLength, settings.Threads, settings.ExecutionProvider, notice, settings.DeviceId, settings.PrefillChunk);
    }

    /// <summary>The line <c>--engine auto</c> prints when the CPU engine cannot run a folder and ONNX Runtime runs it.</summary>
    public static string AutoFallbackNotice(string reason)
        => $"engine auto: EdgeLLM's CPU engine cannot run this folder ({reason}); ONNX Runtime runs it";

    private static CpuEngine OpenCpu(string modelFolder, int contextLength, SessionSettings settings)
        => CpuEngine.Open(modelFolder, new CpuEngineOptions
        {
            ContextLength = contextLength,
            Threads = settings.Threads,
            PrefillChunk = settings.PrefillChunk,
            KvCache = settings.KvCache,
        });
}
