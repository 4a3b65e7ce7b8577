using System.Diagnostics;
using System.Globalization;
using System.Text;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

public sealed class FileIdentityTests
{
    private const string CriLine = "2026-11-28T10:15:00.123456789Z stdout F GET /healthz 200 in 3ms from 10.0.0.7\n";

    [Fact]
    public void Device_and_inode_are_those_stat_reports()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("0.log", CriLine);

        using var handle = File.OpenHandle(path);
        var identity = FileIdentity.Read(handle);

        var stat = Run("stat", "-L", "-c", "%d %i %s", path).Split(' ');
        Assert.Equal(ulong.Parse(stat[0], CultureInfo.InvariantCulture), identity.Device);
        Assert.Equal(ulong.Parse(stat[1], CultureInfo.InvariantCulture), identity.Inode);
        Assert.Equal(long.Parse(stat[2], CultureInfo.InvariantCulture), FileStatus.Of(handle).Size);
    }

    [Fact]
    public void A_path_is_stated_without_opening_it_and_through_symlinks()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("pods/0.log", CriLine);
        var link = Path.Combine(dir.Path, "containers.log");
        File.CreateSymbolicLink(link, path);

        using var handle = File.OpenHandle(path);
        Assert.True(FileStatus.TryOf(link, out var status));
        Assert.Equal(FileStatus.Of(handle), status);
        Assert.False(FileStatus.TryOf(Path.Combine(dir.Path, "absent.log"), out _));
    }

    [Fact]
    public void Rename_rotation_keeps_the_identity_and_a_new_file_gets_another()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("0.log", CriLine + CriLine);
        var before = Identity(path);

        var rotated = path + ".20261128-101500";
        File.Move(path, rotated);
        File.WriteAllText(path, CriLine + CriLine);

        Assert.Equal(before, Identity(rotated));
        var fresh = Identity(path);
        Assert.NotEqual(before.Inode, fresh.Inode);
        Assert.False(before.SameFile(fresh));
    }

    [Fact]
    public void The_fingerprint_covers_the_first_64_bytes_or_all_of_a_shorter_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("0.log", "short\n");

        var young = Identity(path);
        Assert.Equal(6, young.FingerprintLength);
        Assert.Equal(FileIdentity.Hash("short\n"u8), young.Fingerprint);
        Assert.False(young.IsComplete);

        File.AppendAllText(path, CriLine);
        var grown = Identity(path);
        Assert.Equal(FileIdentity.FingerprintBytes, grown.FingerprintLength);
        Assert.Equal(FileIdentity.Hash(File.ReadAllBytes(path).AsSpan(0, 64)), grown.Fingerprint);
        Assert.True(grown.IsComplete);

        File.AppendAllText(path, CriLine);
        Assert.Equal(grown, Identity(path));
    }

    [Fact]
    public void A_grown_file_still_matches_the_identity_first_recorded()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("0.log", "2026-11-28T10:15:00.1Z stdout F a\n");
        var recorded = Identity(path);

        File.AppendAllText(path, CriLine + CriLine);

        using var handle = File.OpenHandle(path);
        Assert.True(FileIdentity.Matches(recorded, handle));
        Assert.True(recorded.SameFile(FileIdentity.Read(handle)), "with unequal lengths the values cannot rule it out");
    }

    [Fact]
    public void Copytruncate_makes_another_identity()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("0.log", CriLine + CriLine);
        var recorded = Identity(path);

        // copytruncate: same inode, truncated, then new lines with new timestamps.
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes(CriLine.Replace("10:15:00", "10:16:00", StringComparison.Ordinal)));
        }

        using var handle = File.OpenHandle(path);
        var now = FileIdentity.Read(handle);
        Assert.Equal(recorded.Inode, now.Inode);
        Assert.False(FileIdentity.Matches(recorded, handle));
        Assert.False(recorded.SameFile(now));
    }

    [Fact]
    public void A_file_now_shorter_than_its_fingerprint_does_not_match()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("0.log", CriLine);
        var recorded = Identity(path);

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(10);
        }

        using var handle = File.OpenHandle(path);
        Assert.False(FileIdentity.Matches(recorded, handle));
    }

    [Fact]
    public void A_reused_inode_with_other_first_bytes_is_another_file()
    {
        var head = Encoding.UTF8.GetBytes(CriLine);
        var old = FileIdentity.From(2049, 1234, head);
        var other = Encoding.UTF8.GetBytes(CriLine.Replace("123456789", "987654321", StringComparison.Ordinal));

        Assert.True(FileIdentity.Matches(old, 2049, 1234, head));
        Assert.False(FileIdentity.Matches(old, 2049, 1234, other));
        Assert.False(FileIdentity.Matches(old, 2050, 1234, head));
        Assert.False(FileIdentity.Matches(old, 2049, 1235, head));
        Assert.False(old.SameFile(FileIdentity.From(2049, 1234, other)));
    }

    [Fact]
    public void Same_file_needs_equal_fingerprints_when_they_cover_the_same_length()
    {
        var identity = new FileIdentity(1, 2, 3, 64);

        Assert.True(identity.SameFile(identity with { }));
        Assert.False(identity.SameFile(identity with { Fingerprint = 4 }));
        Assert.False(identity.SameFile(identity with { Device = 9 }));
        Assert.True(identity.SameFile(identity with { Fingerprint = 4, FingerprintLength = 40 }));
    }

    [Fact]
    public void The_hash_is_pinned_because_checkpoints_and_document_ids_persist_it()
    {
        // SHA-256("") = e3b0c442 98fc1c14 ...; the first 8 bytes read little endian.
        Assert.Equal(0x141cfc9842c4b0e3UL, FileIdentity.Hash([]));
        // SHA-256("abc") = ba7816bf 8f01cfea ...
        Assert.Equal(0xeacf018fbf1678baUL, FileIdentity.Hash("abc"u8));
    }

    [Theory]
    [InlineData(8u, 1u, 2049UL)] // sda1
    [InlineData(259u, 3u, 66307UL)] // nvme0n1p3
    [InlineData(0u, 47u, 47UL)] // overlay
    [InlineData(4096u, 256u, 0x0000_1000_0010_0000UL)] // the high bits glibc's makedev moves
    public void The_statx_device_is_folded_like_st_dev(uint major, uint minor, ulong device)
    {
        var buffer = new byte[256];
        BitConverter.TryWriteBytes(buffer.AsSpan(0), 0x7ffu);
        BitConverter.TryWriteBytes(buffer.AsSpan(32), 123456UL);
        BitConverter.TryWriteBytes(buffer.AsSpan(40), 789UL);
        BitConverter.TryWriteBytes(buffer.AsSpan(136), major);
        BitConverter.TryWriteBytes(buffer.AsSpan(140), minor);

        Assert.Equal(new FileStatus(device, 123456, 789), FileStatus.Decode(buffer));
    }

    [Fact]
    public void A_statx_answer_without_the_inode_is_an_error()
    {
        var buffer = new byte[256];
        BitConverter.TryWriteBytes(buffer.AsSpan(0), 0x200u);

        Assert.Throws<IOException>(() => FileStatus.Decode(buffer));
    }

    private static FileIdentity Identity(string path)
    {
        using var handle = File.OpenHandle(path);
        return FileIdentity.Read(handle);
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
