using System.CommandLine;
using EdgeLLM.Runtime.Engines;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>--engine auto|cpu|onnx</c> and <c>--kv-cache auto|fp32|fp16</c>: which engine runs the model and the CPU engine's
/// KV cache element type. Part of <see cref="RunOptions"/> (generate, chat, serve) and used by bench as they are.
/// </summary>
internal sealed class EngineOptions
{
    private readonly Option<string> engine = new("--engine")
    {
        Description = "Engine: auto (EdgeLLM's CPU engine on the CPU when it supports the folder, else ONNX Runtime), cpu or onnx",
        HelpName = "auto|cpu|onnx",
        DefaultValueFactory = _ => "auto",
    };

    private readonly Option<string> kvCache = new("--kv-cache")
    {
        Description = "CPU engine KV cache: auto (fp16 for int4/int8 folders, fp32 otherwise), fp32 or fp16",
        HelpName = "auto|fp32|fp16",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(engine);
        command.Options.Add(kvCache);
    }

    /// <summary>--engine as given; an unknown name is one line.</summary>
    public EngineChoice Engine(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return EngineNames.ParseEngine(parse.GetValue(engine)!);
    }

    /// <summary>--kv-cache as given; an unknown name is one line.</summary>
    public KvCachePrecision KvCache(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return EngineNames.ParseKvCache(parse.GetValue(kvCache)!);
    }
}
