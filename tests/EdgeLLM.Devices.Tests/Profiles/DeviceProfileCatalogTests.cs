using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Providers;
using EdgeLLM.Format;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Devices.Tests.Profiles;

public sealed class DeviceProfileCatalogTests
{
    private static readonly string[] ExpectedNames =
        ["arm64-generic", "cuda-gpu", "raspberry-pi-4", "raspberry-pi-5", "windows-old-gpu-directml", "x64-laptop-avx2", "x64-no-avx2"];

    private static string ProfilesFolder => Path.Combine(TestPaths.RepoRoot, "devices", "profiles");

    [Fact]
    public void EveryProfileFile_LoadsAndValidates()
    {
        DeviceProfileCatalog catalog = DeviceProfileCatalog.Load(ProfilesFolder);

        Assert.Equal(ExpectedNames, catalog.Profiles.Select(profile => profile.Name));
        foreach (DeviceProfile profile in catalog.Profiles)
        {
            Assert.Contains(ExecutionProvider.Cpu, profile.ExecutionProviders);
            Assert.InRange(profile.DefaultContext, 512, profile.MaximumContext);
            Assert.NotEmpty(profile.RecommendedModels);
        }
    }

    [Fact]
    public void BuiltInCatalog_IsTheProfilesFolder()
    {
        DeviceProfileCatalog builtIn = DeviceProfileCatalog.LoadBuiltIn();
        DeviceProfileCatalog folder = DeviceProfileCatalog.Load(ProfilesFolder);

        Assert.Equal(folder.Profiles.Select(profile => profile.Name), builtIn.Profiles.Select(profile => profile.Name));
        Assert.Equal(folder.Profiles.Select(profile => profile.MaximumContext), builtIn.Profiles.Select(profile => profile.MaximumContext));
    }

    [Fact]
    public void RaspberryPi4Profile_HasTheValuesOfItsFile()
    {
        DeviceProfile profile = DeviceProfileCatalog.LoadBuiltIn().Find("raspberry-pi-4");

        Assert.Equal([ExecutionProvider.Cpu], profile.ExecutionProviders);
        Assert.Equal(4, profile.ThreadsFor(physicalCoreCount: 4));
        Assert.Equal(2048, profile.DefaultContext);
        Assert.Equal(4096, profile.MaximumContext);
        Assert.Equal(KvPrecision.Fp32, profile.KvPrecision);
        Assert.Equal(64, profile.PrefillChunk);
        // Headroom: max(300 MB, 8 % of 3,977,654,272 bytes = 318,212,341).
        Assert.Equal(318_212_341, profile.Headroom.BytesFor(3_977_654_272));
        Assert.Equal("DeepSeek-R1-Distill-Qwen-1.5B int4", profile.RecommendedModels[0].Label);
    }

    [Fact]
    public void UnknownProfileName_ListsTheKnownOnes()
    {
        var error = Assert.Throws<EdgeLlmException>(() => DeviceProfileCatalog.LoadBuiltIn().Find("raspberry-pi-6"));

        Assert.Equal("unknown device profile 'raspberry-pi-6': known profiles are " + string.Join(", ", ExpectedNames), error.Message);
    }

    [Theory]
    [InlineData("\"kv_precision\": \"fp32\"", "\"kv_precision\": \"int8\"", "x64-laptop-avx2.json: 'kv_precision' must be \"fp32\" or \"fp16\"")]
    [InlineData("\"execution_providers\": [\"cpu\"]", "\"execution_providers\": [\"cuda\"]", "x64-laptop-avx2.json: 'execution_providers' must be a list that includes \"cpu\" (the fallback)")]
    [InlineData("\"simd_required\": [\"avx2\", \"fma\"]", "\"simd_required\": [\"avx3\"]", "x64-laptop-avx2.json: 'match.simd_required' must be feature names among avx, avx2, fma, avx_vnni, avx512f, avx512bw, avx512vl, avx512_vnni, neon, dotprod, i8mm, sve (found 'avx3')")]
    [InlineData("\"default_context\": 4096", "\"default_context\": 32768", "x64-laptop-avx2.json: 'default_context' 32768 is larger than 'max_context' 16384")]
    [InlineData("\"name\": \"x64-laptop-avx2\"", "\"name\": \"x64-laptop\"", "x64-laptop-avx2.json: 'name' is 'x64-laptop' but the file is named 'x64-laptop-avx2.json'")]
    [InlineData("\"format_version\": 1", "\"format_version\": 2", "x64-laptop-avx2.json: format_version 2 is not supported (expected 1)")]
    public void BrokenProfile_IsRejectedWithOneLineNamingFileAndField(string original, string broken, string expected)
    {
        string json = File.ReadAllText(Path.Combine(ProfilesFolder, "x64-laptop-avx2.json"));
        Assert.Contains(original, json, StringComparison.Ordinal);

        var error = Assert.Throws<EdgeLlmException>(() => DeviceProfileReader.Read(json.Replace(original, broken, StringComparison.Ordinal), "x64-laptop-avx2.json"));

        Assert.Equal(expected, error.Message);
    }
}
