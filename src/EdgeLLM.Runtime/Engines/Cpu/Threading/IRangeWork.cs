namespace EdgeLLM.Runtime.Engines.Cpu.Threading;

/// <summary>A piece of parallel work over an index range, implemented by structs so that <see cref="WorkerPool.Run{TWork}"/> allocates nothing.</summary>
public interface IRangeWork
{
    /// <summary>Runs indices [<paramref name="start"/>, <paramref name="end"/>).</summary>
    void Execute(int start, int end);
}
