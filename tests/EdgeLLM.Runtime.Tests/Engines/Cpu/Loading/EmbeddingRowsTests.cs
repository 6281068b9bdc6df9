using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Runtime.Engines.Cpu;
using EdgeLLM.Runtime.Engines.Cpu.Graph;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Loading;
using EdgeLLM.Runtime.Tests.Generation;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Loading;

/// <summary>
/// The embedding's rows read with positioned reads give exactly what a gather through the mapping gives (int8, int4,
/// zero points, fp32), and leave the table's pages out of the process: after a prompt of tokens spread over the whole
/// vocabulary no page of the table is mapped in.
/// </summary>
[Collection(ModelFoldersCollection.Name)]
public sealed unsafe class EmbeddingRowsTests(ModelFolders models)
{
    public static TheoryData<string> Tables => ["int8", "int4", "int4-asymmetric", "fp32"];

    [Theory]
    [MemberData(nameof(Tables))]
    public void ReadRowsEqualTheMappedGather(string table)
    {
        string folder = Folder(table);
        using WeightFile file = WeightFile.Open(folder);
        DecoderWeights model = DecoderGraphReader.Read(OnnxModelFile.Read(Path.Combine(folder, "model.onnx")), file);
        var rows = new EmbeddingRows(file, model.Embedding, mappedAnyway: false);
        Assert.True(rows.ReadsRows);
        int width = model.Embedding.InputCount;
        var expected = new float[width];
        var actual = new float[width];
        int last = model.Embedding.OutputCount - 1;
        foreach (int row in new[] { 0, 1, 2, 63, last / 2, last - 1, last })
        {
            EmbeddingKernel.GatherRow(model.Embedding, row, expected);
            Array.Fill(actual, float.NaN);
            rows.Gather(row, actual);
            Assert.Equal(expected, actual);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Gather(last + 1, actual));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Gather(-1, actual));
    }

    [Fact]
    public void ATableThatLmHeadReadsAnywayIsGatheredInPlace()
    {
        string folder = Folder("int8");
        using WeightFile file = WeightFile.Open(folder);
        DecoderWeights model = DecoderGraphReader.Read(OnnxModelFile.Read(Path.Combine(folder, "model.onnx")), file);
        var rows = new EmbeddingRows(file, model.Embedding, mappedAnyway: true);
        Assert.False(rows.ReadsRows);
        var expected = new float[model.Embedding.InputCount];
        var actual = new float[model.Embedding.InputCount];
        EmbeddingKernel.GatherRow(model.Embedding, 7, expected);
        rows.Gather(7, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void APromptMapsNoPageOfTheTable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string folder = Folder("int8");
        using CpuEngine engine = CpuEngine.Open(folder, new CpuEngineOptions { ContextLength = 256, Threads = 2 });
        Assert.True(engine.ReadsEmbeddingRows);
        WeightMatrix table = engine.EmbeddingTable;
        long tableBytes = (long)table.OutputCount * table.RowBytes;

        // 96 ids spread over the whole vocabulary (through the mapping, each would map its page cache folio).
        int[] ids = Enumerable.Range(1, 96).Select(i => (int)((long)i * (table.OutputCount - 1) / 97)).ToArray();
        engine.Prefill(ids);
        engine.Decode(ids[^1]);

        // A neighbouring tensor's read may map the page cache folio it shares with the table's first or last bytes, so the
        // table's outer 2 MiB at each end are left out; every id lands inside.
        const long edge = 2L << 20;
        Assert.True(tableBytes > 4 * edge, $"the table of {tableBytes} bytes is too small for this test");
        long resident = ResidentPages(table.Values + (nint)edge, tableBytes - (2 * edge));
        Assert.True(resident == 0, $"{resident} pages inside the {tableBytes}-byte embedding table are mapped in after a 96-token prompt");
    }

    private string Folder(string table) => models.Variant(ModelFolders.Qwen2, "embedding-" + table, new ConversionOptions
    {
        Precision = WeightPrecision.Int4,
        Quantization = table switch
        {
            "int4" => new QuantizationSettings { Embeddings = LmHeadPrecision.Int4 },
            "int4-asymmetric" => new QuantizationSettings { Embeddings = LmHeadPrecision.Int4, Asymmetric = true },
            "fp32" => new QuantizationSettings { Embeddings = LmHeadPrecision.Fp32 },
            _ => new QuantizationSettings(),
        },
    });

    /// <summary>Pages of [address, address + length) present in this process's page tables (/proc/self/pagemap bit 63).</summary>
    private static long ResidentPages(nint address, long length)
    {
        long page = Environment.SystemPageSize;
        long first = address / page, last = (address + length - 1) / page;
        using FileStream pagemap = File.OpenRead("/proc/self/pagemap");
        pagemap.Position = first * 8;
        var entry = new byte[8];
        long resident = 0;
        for (long p = first; p <= last; p++)
        {
            pagemap.ReadExactly(entry);
            if ((BitConverter.ToUInt64(entry) >> 63) != 0)
            {
                resident++;
            }
        }

        return resident;
    }
}
