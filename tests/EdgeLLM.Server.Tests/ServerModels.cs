using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Server.Engine;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Server.Tests;

/// <summary>
/// The tiny R1 model (tiny-r1-qwen2: synthesized with the real R1 tokenizer, converted to fp32 with a 256-token
/// context, as the runtime tests build it), once per test run, and servers started on it in-process on 127.0.0.1.
/// </summary>
public sealed class ServerModels : IDisposable
{
    public const int Context = 256;

    private readonly TempFolder root = TestPaths.CreateTemp("server-models");
    private readonly Lazy<string> model;

    public ServerModels()
    {
        model = new Lazy<string>(() =>
        {
            string source = Path.Combine(root.Path, "tiny-r1-qwen2-hf");
            CheckpointSynthesizer.Synthesize(new SynthesisRequest
            {
                Shape = SyntheticShapes.Find("tiny-r1-qwen2"),
                TokenizerFolder = TestPaths.Tokenizer("r1-distill-qwen"),
                OutputFolder = source,
            });
            string output = Path.Combine(root.Path, "tiny-r1-qwen2");
            using ICheckpoint checkpoint = CheckpointFolder.Open(source);
            ModelConverter.Convert(checkpoint, output, new ConversionOptions
            {
                Precision = WeightPrecision.Fp32,
                MaxContext = Context,
                LastPositionLogitsOnly = true,
                Target = GraphTarget.Cpu,
                SourceFolder = source,
            });
            return output;
        });
    }

    /// <summary>The model folder.</summary>
    public string Model => model.Value;

    /// <summary>A server on 127.0.0.1 with a free port, the model loaded.</summary>
    public async Task<EdgeLlmServer> StartAsync(Func<ServerOptions, ServerOptions>? adjust = null)
    {
        var options = new ServerOptions { Port = 0, ModelId = "tiny-r1-qwen2", HeadersTimeout = TimeSpan.FromSeconds(2) };
        options = adjust?.Invoke(options) ?? options;
        string folder = Model;
        EdgeLlmServer server = await EdgeLlmServer.StartAsync(options, () => ModelRunner.Open(folder, new SessionSettings { ContextLength = Context, Threads = 2 }, null), _ => { });
        await server.Loaded.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Null(server.LoadError);
        return server;
    }

    public void Dispose() => root.Dispose();
}

/// <summary>Server tests run one after another (each loads the model; the load test measures latency).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerCollection : ICollectionFixture<ServerModels>
{
    public const string Name = "server";
}
