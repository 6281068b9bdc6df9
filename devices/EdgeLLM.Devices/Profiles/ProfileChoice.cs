namespace EdgeLLM.Devices.Profiles;

/// <summary>The profile EdgeLLM uses, and why (matched criteria, or the user's --device-profile).</summary>
public sealed record ProfileChoice(DeviceProfile Profile, string Reason);
