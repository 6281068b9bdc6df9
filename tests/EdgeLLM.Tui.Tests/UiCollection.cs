namespace EdgeLLM.Tui.Tests;

/// <summary>UI tests run one at a time: each owns a Terminal.Gui application and a UI thread.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UiCollection
{
    public const string Name = "Terminal UI";
}
