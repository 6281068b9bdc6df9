namespace EdgeLLM.Format.Files;

/// <summary>Raised after each file is copied or checked: its name and the bytes done so far out of all of them.</summary>
public sealed record FileProgress(string FileName, long BytesDone, long BytesTotal);
