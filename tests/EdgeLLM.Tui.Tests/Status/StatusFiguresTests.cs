using EdgeLLM.Format.Providers;
using EdgeLLM.Tui.Status;

namespace EdgeLLM.Tui.Tests.Status;

public sealed class StatusFiguresTests
{
    private static readonly StatusFigures Figures = new()
    {
        ModelName = "r1-distill-qwen-1.5b",
        Precision = "int4",
        ExecutionProvider = "CPU",
        Threads = 4,
        PrefillTokensPerSecond = 123.4,
        DecodeTokensPerSecond = 9.87,
        ContextUsed = 345,
        ContextLength = 4096,
        ResidentBytes = 812L * 1024 * 1024,
    };

    [Fact]
    public void AllFiguresFitIn80Columns()
        => Assert.Equal("r1-distill-qwen-1.5b int4 | CPU 4t | 123/9.9 tok/s | ctx 345/4096 | 812 MiB", Figures.Format(80));

    [Fact]
    public void ALongModelNameIsShortenedNotTheFigures()
    {
        string line = (Figures with { ModelName = "deepseek-r1-distill-llama-8b-instruct-q" }).Format(60);
        Assert.Equal("deepseek-~ | CPU 4t | 123/9.9 tok/s | ctx 345/4096 | 812 MiB", line);
    }

    [Fact]
    public void ThreadsChosenByOnnxRuntimeAreNotShownAsZero()
        => Assert.Equal("r1-distill-qwen-1.5b int4 | CPU | 123/9.9 tok/s | ctx 345/4096 | 812 MiB", (Figures with { Threads = 0 }).Format(80));
}
