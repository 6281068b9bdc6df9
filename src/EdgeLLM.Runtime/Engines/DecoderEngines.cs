using EdgeLLM.Runtime.Engines.Cpu;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Runtime.Engines;

/// <summary>
/// Opens the engine <see cref="SessionSettings.Engine"/> asks for: <c>cpu</c> is EdgeLLM's CPU engine (an
/// unsupported folder is one line), <c>onnx</c> is ONNX Runtime, <c>auto</c> is the CPU engine on the CPU
/// provider when it supports the folder and ONNX Runtime otherwise, saying why when the reason is the folder.
/// </summary>
public static class DecoderEngines
{
    public static IDecoderEngine Open(string modelFolder, int contextLength, SessionSettings settings, Action<string>? notice = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        switch (settings.Engine)
        {
            case EngineChoice.Cpu:
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

            case EngineChoice.Auto when settings.ExecutionProvider == ExecutionProvider.Cpu:
                try
                {
                    return OpenCpu(modelFolder, contextLength, settings);
                }
                catch (NotSupportedException exception)
                {
                    notice?.Invoke($"the CPU engine does not run this folder ({exception.Message}); using ONNX Runtime");
                }

                break;
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
