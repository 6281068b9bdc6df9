using System.Diagnostics;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.Platform;
using EdgeLLM.Packaging.Kits;
using Xunit.Abstractions;

namespace EdgeLLM.Packaging.Tests.Kits;

/// <summary>
/// Issue 16, item 7: <c>pack -o &lt;mount point&gt;</c> failed (the kit was staged beside the target, on another
/// filesystem: EBUSY renaming onto a mount point as root, "access denied" otherwise). A FAT32 image made by
/// mkfs.vfat is loop-mounted as the target (as root); where this kernel cannot mount vfat, a tmpfs is mounted
/// instead, which still is another filesystem at a mount point. Without root or mount the test says skipped.
/// </summary>
[Collection(KitCollection.Name)]
public sealed class UsbTargetTests(KitFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void AKitIsPackedOntoAMountPointAndReplacedThereUnderForce()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            output.WriteLine("skipped: mounting a test filesystem needs root on Linux");
            return;
        }

        string folder = fixture.NewFolder("usb");
        string mountPoint = Path.Combine(folder, "stick");
        Directory.CreateDirectory(mountPoint);
        string? filesystem = MountVfat(folder, mountPoint) ?? MountTmpfs(mountPoint);
        if (filesystem is null)
        {
            output.WriteLine("skipped: neither a loop-mounted vfat image (mkfs.vfat from dosfstools) nor a tmpfs could be mounted here");
            return;
        }

        try
        {
            output.WriteLine($"target: {filesystem} mounted at {mountPoint}");
            KitManifest first = Pack(mountPoint, replace: false);
            Assert.True(KitVerifier.Verify(mountPoint, KitManifest.Read(mountPoint)).IsIntact);
            Assert.Equal(first.Files.Count, KitManifest.Read(mountPoint).Files.Count);

            // A second kit onto the same stick: refused without --force, replaced in place with it.
            Assert.Throws<IOException>(() => Pack(mountPoint, replace: false));
            Pack(mountPoint, replace: true);
            FolderVerification verification = KitVerifier.Verify(mountPoint, KitManifest.Read(mountPoint));
            Assert.True(verification.IsIntact, string.Join("; ", verification.Problems()));
            Assert.DoesNotContain(Directory.GetFileSystemEntries(mountPoint), entry => Path.GetFileName(entry).StartsWith(".edgellm", StringComparison.Ordinal));
        }
        finally
        {
            Run("umount", mountPoint);
        }
    }

    private KitManifest Pack(string target, bool replace) => KitWriter.Pack(new KitRequest
    {
        OutputFolder = target,
        ModelFolders = [fixture.Model],
        Targets = ["linux-x64"],
        BinariesFolder = fixture.Binaries,
        Replace = replace,
    });

    private string? MountVfat(string folder, string mountPoint)
    {
        string image = Path.Combine(folder, "stick.img");
        using (var stream = new FileStream(image, FileMode.CreateNew))
        {
            stream.SetLength(128L * 1024 * 1024);
        }

        if (Run("mkfs.vfat", "-F", "32", image) != 0)
        {
            output.WriteLine("mkfs.vfat (dosfstools) is not available: trying a tmpfs");
            return null;
        }

        if (Run("mount", "-o", "loop", image, mountPoint) != 0)
        {
            output.WriteLine("this kernel cannot loop-mount vfat here: trying a tmpfs");
            return null;
        }

        return "FAT32 (loop-mounted mkfs.vfat image)";
    }

    private static string? MountTmpfs(string mountPoint)
        => Run("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", mountPoint) == 0 ? "tmpfs" : null;

    private static int Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 127;
        }
    }
}
