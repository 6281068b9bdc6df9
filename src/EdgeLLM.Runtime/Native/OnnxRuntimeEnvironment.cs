using EdgeLLM.Format.Platform;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Native;

/// <summary>
/// The one place ONNX Runtime's process-wide environment (<see cref="OrtEnv"/>) is created. ONNX Runtime's
/// Linux/macOS builds carry Microsoft's 1DS telemetry: on its own it writes
/// <c>~/.cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db}</c> and, after ~10 s, resolves
/// <c>mobile.events.data.microsoft.com</c>. EdgeLLM runs offline, so before the native library reads its
/// environment the variable <c>ORT_DISABLE_TELEMETRY=1</c> is set in the process's C environment (setenv: .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> on Unix changes only a managed copy), and the
/// created environment also gets <see cref="OrtEnv.DisableTelemetryEvents"/>. Every ONNX Runtime use goes through
/// <see cref="Instance"/>; <see cref="DisableTelemetry"/> is also called first thing in the executable's Main.
/// </summary>
public static class OnnxRuntimeEnvironment
{
    /// <summary>The variable ONNX Runtime's telemetry provider reads; "1" turns it off (no files, no lookups).</summary>
    public const string TelemetryVariable = "ORT_DISABLE_TELEMETRY";

    private static readonly Lazy<OrtEnv> Created = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>ONNX Runtime's environment, created on first use with telemetry off.</summary>
    public static OrtEnv Instance => Created.Value;

    /// <summary>Sets <see cref="TelemetryVariable"/>=1 in the C environment; cheap, loads nothing. Idempotent.</summary>
    public static void DisableTelemetry()
    {
        Environment.SetEnvironmentVariable(TelemetryVariable, "1");
        if (!OperatingSystem.IsWindows())
        {
            // Process start, before other threads read the environment: setenv is then safe.
            _ = NativeEnvironment.Set(TelemetryVariable, "1");
        }
    }

    private static OrtEnv Create()
    {
        DisableTelemetry();
        var options = new EnvironmentCreationOptions
        {
            logId = "edgellm",
            // Errors reach the user once, as exceptions with one line; ONNX Runtime's logger would repeat them in colour.
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        OrtEnv environment;
        try
        {
            environment = OrtEnv.CreateInstanceWithOptions(ref options);
        }
        catch (OnnxRuntimeException) when (OrtEnv.IsCreated)
        {
            // Another component of this process (a test host, a library) created ONNX Runtime's environment first:
            // use it, with telemetry off all the same.
            environment = OrtEnv.Instance();
        }

        environment.DisableTelemetryEvents();
        return environment;
    }
}
