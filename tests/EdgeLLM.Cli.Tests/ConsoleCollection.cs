namespace EdgeLLM.Cli.Tests;

/// <summary>Tests that swap the process-wide console; they must not run beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
