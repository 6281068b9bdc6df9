namespace EdgeLLM.Server.Engine;

/// <summary>More requests wait than --max-queue allows (sent as 429).</summary>
public sealed class QueueFullException(int maxWaiting)
    : Exception($"the server is busy: {maxWaiting} requests already wait for the model, as many as its queue holds; retry later")
{
}
