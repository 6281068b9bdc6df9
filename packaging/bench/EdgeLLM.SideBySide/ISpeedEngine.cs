namespace EdgeLLM.SideBySide;

/// <summary>An engine opened for one timed run: the prompt in one pass, then greedy single-token steps.</summary>
internal interface ISpeedEngine : IDisposable
{
    /// <summary>Processes the prompt; returns the argmax of its last position (the first token).</summary>
    int Prompt(int[] ids);

    /// <summary>Feeds <paramref name="token"/>; returns the argmax of the next position.</summary>
    int Step(int token);
}
