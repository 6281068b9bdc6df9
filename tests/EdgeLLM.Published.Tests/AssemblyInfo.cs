using System.Runtime.Versioning;

// The published binaries under test are Linux builds driven with Linux tools (qemu-user, unshare, mount).
[assembly: SupportedOSPlatform("linux")]
