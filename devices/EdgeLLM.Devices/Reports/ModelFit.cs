using EdgeLLM.Devices.Planning;

namespace EdgeLLM.Devices.Reports;

/// <summary>One model folder and whether it fits this machine: a plan, or the manifest's error.</summary>
public sealed record ModelFit(string Folder, MemoryPlan? Plan, string? Error);
