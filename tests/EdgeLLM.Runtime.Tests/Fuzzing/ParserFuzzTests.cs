using System.Text;
using System.Text.Json.Nodes;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Packaging.Kits;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Runtime.Tests.Generation;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Templates;
using EdgeLLM.Text.Tokenization;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Fuzzing;

/// <summary>
/// Every parser of untrusted bytes over thousands of seeded mutations of a real fixture (<see cref="Mutator"/>):
/// success, or the parser's expected exception with a one-line message; never another exception type, a hang
/// or an unbounded allocation (<see cref="FuzzRun"/>). Each test prints how many inputs it tried.
/// </summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class ParserFuzzTests(ModelFolders models, ITestOutputHelper output) : IDisposable
{
    private const int Inputs = 2000;
    private readonly TempFolder temp = TestPaths.CreateTemp("fuzz");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void SafetensorsHeader()
    {
        string header = """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]},"c":{"dtype":"F16","shape":[1,2],"data_offsets":[32,36]}}""";
        header = header.PadRight((header.Length + 7) / 8 * 8);
        byte[] fixture = [.. BitConverter.GetBytes((ulong)header.Length), .. Encoding.UTF8.GetBytes(header), .. new byte[36]];
        string path = Path.Combine(temp.Path, "model.safetensors");
        FuzzRun.Run(output, "safetensors header", fixture, seed: 1601, Inputs, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            using SafetensorsFile file = SafetensorsFile.Open(path);
            foreach (string name in file.TensorNames)
            {
                _ = file.GetTensor(name);
            }
        }, typeof(EdgeLlmException));
    }

    [Fact]
    public void TokenizerJson()
    {
        byte[] fixture = SmallTokenizerJson();
        string folder = Path.Combine(temp.Path, "tokenizer");
        Directory.CreateDirectory(folder);
        FuzzRun.Run(output, "tokenizer.json", fixture, seed: 1602, Inputs, bytes =>
        {
            File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), bytes);
            TextTokenizer tokenizer = TokenizerLoader.Load(folder);
            _ = tokenizer.Encode("Hello world 123 <|im_end|>", addSpecialTokens: true);
        }, typeof(EdgeLlmException));
    }

    [Fact]
    public void TokenizerConfigJson()
    {
        byte[] fixture = File.ReadAllBytes(TestPaths.Fixture("tokenizers", "qwen3", "tokenizer_config.json"));
        string path = Path.Combine(temp.Path, "tokenizer_config.json");
        FuzzRun.Run(output, "tokenizer_config.json", fixture, seed: 1603, Inputs, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            TokenizerConfig config = TokenizerConfig.Read(path);
            if (config.ChatTemplate is not null)
            {
                _ = ChatTemplate.FromTokenizerConfig(path).Render([new ChatMessage("user", "hi")], addGenerationPrompt: true);
            }
        }, typeof(EdgeLlmException), typeof(TemplateException));
    }

    [Fact]
    public void EdgellmJson()
    {
        byte[] fixture = File.ReadAllBytes(Path.Combine(models.Tiny(ModelFolders.Qwen2), ModelManifest.FileName));
        string folder = Path.Combine(temp.Path, "model");
        Directory.CreateDirectory(folder);
        FuzzRun.Run(output, "edgellm.json", fixture, seed: 1604, Inputs, bytes =>
        {
            File.WriteAllBytes(Path.Combine(folder, ModelManifest.FileName), bytes);
            _ = ModelManifestReader.Read(folder);
        }, typeof(EdgeLlmException));
    }

    [Fact]
    public void KitManifestJson()
    {
        var manifest = new KitManifest
        {
            Created = new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero),
            ToolVersion = "1.0.0",
            Targets = ["linux-x64", "linux-arm64"],
            Models = ["tiny"],
            Files =
            [
                new OutputFile("README.txt", 1234, "0123456789abcdef0123456789abcdef"),
                new OutputFile("bin/linux-x64/edgellm", 49_542_712, "fedcba9876543210fedcba9876543210"),
                new OutputFile("models/tiny/edgellm.json", 4752, "00112233445566778899aabbccddeeff"),
            ],
        };
        using var stream = new MemoryStream();
        manifest.Write(stream);
        byte[] fixture = stream.ToArray();
        string folder = Path.Combine(temp.Path, "kit");
        Directory.CreateDirectory(folder);
        FuzzRun.Run(output, "MANIFEST.json", fixture, seed: 1605, Inputs, bytes =>
        {
            File.WriteAllBytes(Path.Combine(folder, KitLayout.ManifestName), bytes);
            _ = KitManifest.Read(folder);
        }, typeof(EdgeLlmException));
    }

    [Fact]
    public void ChatTemplateLanguage()
    {
        string source = TokenizerConfig.Read(TestPaths.Fixture("tokenizers", "qwen3", "tokenizer_config.json")).ChatTemplate!;
        List<object?> messages =
        [
            new Dictionary<string, object?> { ["role"] = "system", ["content"] = "Be brief." },
            new Dictionary<string, object?> { ["role"] = "user", ["content"] = "hi" },
            new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = "<think>\nhm\n</think>\n\nhello" },
            new Dictionary<string, object?> { ["role"] = "user", ["content"] = "again" },
        ];
        FuzzRun.Run(output, "chat template", Encoding.UTF8.GetBytes(source), seed: 1606, 3000, bytes =>
        {
            Template template = Template.Parse(Encoding.UTF8.GetString(bytes));
            _ = template.Render(new Dictionary<string, object?> { ["messages"] = messages, ["add_generation_prompt"] = true, ["tools"] = null });
        }, typeof(TemplateException));
    }

    /// <summary>The qwen3 tokenizer.json cut to its first 400 pieces (and the merges among them), added tokens renumbered after them.</summary>
    private static byte[] SmallTokenizerJson()
    {
        JsonNode root = JsonNode.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Tokenizer("qwen3"), "tokenizer.json")))!;
        JsonObject vocabulary = root["model"]!["vocab"]!.AsObject();
        var kept = new JsonObject();
        foreach ((string piece, JsonNode? id) in vocabulary)
        {
            if (id!.GetValue<int>() < 400)
            {
                kept[piece] = id.GetValue<int>();
            }
        }

        var merges = new JsonArray();
        foreach (JsonNode? merge in root["model"]!["merges"]!.AsArray())
        {
            string[] parts = merge is JsonArray pair ? [pair[0]!.GetValue<string>(), pair[1]!.GetValue<string>()] : merge!.GetValue<string>().Split(' ');
            if (kept.ContainsKey(parts[0]) && kept.ContainsKey(parts[1]) && kept.ContainsKey(parts[0] + parts[1]) && merges.Count < 300)
            {
                merges.Add(merge!.DeepClone());
            }
        }

        root["model"]!["vocab"] = kept;
        root["model"]!["merges"] = merges;
        JsonArray added = root["added_tokens"]!.AsArray();
        for (int index = 0; index < added.Count; index++)
        {
            added[index]!["id"] = 400 + index;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
