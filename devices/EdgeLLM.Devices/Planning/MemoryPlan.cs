namespace EdgeLLM.Devices.Planning;

/// <summary>
/// The planner's answer: the context to run at and what it costs, or a one-line refusal that says
/// what would fit instead.
/// </summary>
/// <param name="Model">The model planned for.</param>
/// <param name="Context">The context chosen; 0 when refused.</param>
/// <param name="Estimate">The cost at <see cref="Context"/>, or at the context that was refused.</param>
/// <param name="Budget">The memory it was checked against.</param>
/// <param name="Refusal">Why it cannot run, as one line; null when it fits.</param>
/// <param name="Note">A remark on a plan that fits (a context below the profile's default); may be null.</param>
public sealed record MemoryPlan(ModelFootprint Model, int Context, MemoryEstimate Estimate, MemoryBudget Budget, string? Refusal, string? Note)
{
    public bool Fits => Refusal is null;

    /// <summary>Throws <see cref="InsufficientMemoryException"/> with the refusal line when the plan does not fit.</summary>
    public MemoryPlan EnsureFits() => Refusal is null ? this : throw new InsufficientMemoryException(Refusal);
}
