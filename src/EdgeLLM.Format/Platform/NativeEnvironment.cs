namespace EdgeLLM.Format.Platform;

/// <summary>
/// The C environment of the process (libc <c>setenv</c>): what native libraries read. On Unix .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only a managed copy.
/// </summary>
public static class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/>=<paramref name="value"/> (replacing it); returns setenv's result (0: done). Call before other threads read the environment.</summary>
    public static int Set(string name, string value) => Libc.SetEnv(name, value, 1);
}
