using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

// Unix file modes: the agent runs on Linux only.
#pragma warning disable CA1416

namespace NodeAgent.Tests.Tailing;

public sealed class CheckpointStoreTests : IDisposable
{
    private const int StatePermissionsTightened = 654;

    private static readonly DateTimeOffset Start = new(2026, 11, 28, 10, 15, 0, TimeSpan.Zero);
    private static readonly TimeSpan Expiry = TimeSpan.FromHours(24);
    private static readonly UnixFileMode PrivateDirectory = Mode("700");
    private static readonly UnixFileMode PrivateFile = Mode("600");

    private readonly TempDirectory _dir = new();
    private readonly ManualTime _time = new(Start);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Saved_checkpoints_load_back_equal()
    {
        var store = Store();
        Checkpoint[] saved =
        [
            Sample("/var/log/pods/default_web-1_uid/web/0.log", 4096, Start),
            new(new FileIdentity(ulong.MaxValue, ulong.MaxValue - 1, ulong.MaxValue, 17), "/var/log/pods/kube-system_dns_uid/dns/0.log.20261128-101500", 17, ulong.MaxValue, 17, Start.AddMinutes(-5).ToOffset(TimeSpan.FromHours(2))),
            Sample("/tmp/\"quoted\" ünïcode.log", 0, Start),
        ];

        Assert.Equal(3, store.Save(saved));
        var load = Store().Load();

        Assert.Null(load.Problem);
        Assert.True(load.FileExisted);
        Assert.Equal(saved, load.Checkpoints);
    }

    [Fact]
    public void The_file_is_versioned_json_with_hashes_as_hex_strings()
    {
        var store = Store();
        store.Save([Sample("/var/log/pods/a/0.log", 100, Start)]);

        using var json = JsonDocument.Parse(File.ReadAllBytes(store.FilePath));
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt32());
        var entry = Assert.Single(json.RootElement.GetProperty("checkpoints").EnumerateArray());
        Assert.Equal("0123456789abcdef", entry.GetProperty("fingerprint").GetString());
        Assert.Equal(100, entry.GetProperty("offset").GetInt64());
        Assert.Equal(64, entry.GetProperty("tail_length").GetInt32());
        Assert.Equal(16, entry.GetProperty("tail_hash").GetString()!.Length);
        Assert.Equal("2026-11-28T10:15:00+00:00", entry.GetProperty("updated_at").GetString());
        Assert.Equal("/var/log/pods/a/0.log", entry.GetProperty("path").GetString());
    }

    /// <summary>Issue 12: a truncated content's mark is saved with its checkpoint, so a restart within the grace still
    /// recognises logrotate's copy; a checkpoint of a file not truncated has no such property at all.</summary>
    [Fact]
    public void A_truncated_contents_mark_is_saved_and_loaded_back()
    {
        var store = Store();
        var truncated = Sample("/var/log/app/app.log", 100, Start) with { TruncatedAt = Start.AddSeconds(-30) };
        var live = Sample("/var/log/app/app.log.1", 200, Start);

        store.Save([truncated, live]);

        using (var json = JsonDocument.Parse(File.ReadAllBytes(store.FilePath)))
        {
            var entries = json.RootElement.GetProperty("checkpoints").EnumerateArray().ToList();
            Assert.Equal("2026-11-28T10:14:30+00:00", entries[0].GetProperty("truncated_at").GetString());
            Assert.False(entries[1].TryGetProperty("truncated_at", out _));
        }

        var load = Store().Load();
        Assert.Null(load.Problem);
        Assert.Equal([truncated, live], load.Checkpoints);
    }

    /// <summary>The file as the builds before <c>truncated_at</c> wrote it (the same version, 1) still loads whole:
    /// upgrading the agent keeps every checkpoint, and none of them is taken for truncated content.</summary>
    [Fact]
    public void A_file_written_before_truncated_at_existed_still_loads()
    {
        var store = Store();
        File.WriteAllText(store.FilePath, """
            {
              "version": 1,
              "discovered_at": "2026-11-28T10:14:59+00:00",
              "checkpoints": [
                {
                  "device": 2049,
                  "inode": 1234567,
                  "fingerprint": "0123456789abcdef",
                  "fingerprint_length": 64,
                  "path": "/var/log/pods/default_web-1_uid/web/0.log",
                  "offset": 4096,
                  "tail_hash": "fedcba9876543210",
                  "tail_length": 64,
                  "updated_at": "2026-11-28T10:14:58+00:00"
                }
              ]
            }
            """);

        var load = store.Load();

        Assert.Null(load.Problem);
        Assert.True(File.Exists(store.FilePath));
        Assert.Equal(Start.AddSeconds(-1), load.DiscoveredAt);
        var checkpoint = Assert.Single(load.Checkpoints);
        Assert.Equal(new FileIdentity(2049, 1234567, 0x0123456789abcdef, 64), checkpoint.Identity);
        Assert.Equal(4096, checkpoint.Offset);
        Assert.Equal(0xfedcba9876543210, checkpoint.TailHash);
        Assert.Equal(Start.AddSeconds(-2), checkpoint.UpdatedAt);
        Assert.Null(checkpoint.TruncatedAt);
    }

    [Fact]
    public void No_file_is_a_first_start()
    {
        var load = Store().Load();

        Assert.Empty(load.Checkpoints);
        Assert.False(load.FileExisted);
        Assert.Null(load.Problem);
    }

    [Fact]
    public void A_missing_state_directory_is_created_on_save()
    {
        var state = Path.Combine(_dir.Path, "var", "lib", "node-agent");
        var store = new CheckpointStore(state, _time, Expiry, NullLogger.Instance);

        Assert.False(store.Load().FileExisted);
        store.Save([Sample("/a.log", 1, Start)]);

        Assert.True(File.Exists(Path.Combine(state, "checkpoints.json")));
        Assert.Single(store.Load().Checkpoints);
    }

    [Fact]
    public void A_new_state_directory_and_the_checkpoint_file_are_private_to_the_agent()
    {
        var state = Path.Combine(_dir.Path, "var", "lib", "node-agent");
        var store = new CheckpointStore(state, _time, Expiry, NullLogger.Instance);

        store.Save([Sample("/a.log", 1, Start)]);

        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(state));
        // The file is the temporary one renamed: its mode is the one the temporary file was created with.
        Assert.Equal(PrivateFile, File.GetUnixFileMode(store.FilePath));
    }

    [Fact]
    public void A_looser_state_directory_and_its_files_are_tightened_at_start_and_said_so()
    {
        // As an older version, or kubelet creating the hostPath (DirectoryOrCreate: 0755), left them.
        var state = Path.Combine(_dir.Path, "state");
        Directory.CreateDirectory(state);
        File.SetUnixFileMode(state, Mode("755"));
        var checkpoints = Path.Combine(state, CheckpointStore.FileName);
        string[] files = [checkpoints, checkpoints + ".tmp", checkpoints + ".corrupt-20261127T101500Z", Path.Combine(state, "dead-letter.ndjson"), Path.Combine(state, "dead-letter.ndjson.1")];
        foreach (var file in files)
        {
            File.WriteAllText(file, file == checkpoints ? Json(Sample("/a.log", 1, Start)) : "{}\n");
            File.SetUnixFileMode(file, Mode("644"));
        }

        var logger = new ListLogger();
        var load = new CheckpointStore(state, _time, Expiry, logger).Load();

        Assert.Single(load.Checkpoints);
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(state));
        Assert.All(files, file => Assert.Equal(PrivateFile, File.GetUnixFileMode(file)));
        var said = logger.Entries.Where(e => e.Id == StatePermissionsTightened).Select(e => e.Message).ToList();
        Assert.Equal(files.Length + 1, said.Count);
        Assert.All(files, file => Assert.Contains(said, m => m.StartsWith(file + " was open to users other than its owner (0644)", StringComparison.Ordinal)));
        Assert.Contains(said, m => m.StartsWith(state + " was open to users other than its owner (0755); it is now 0700", StringComparison.Ordinal));

        // Once private, a start has nothing to say.
        var again = new ListLogger();
        new CheckpointStore(state, _time, Expiry, again).Load();
        Assert.DoesNotContain(again.Entries, e => e.Id == StatePermissionsTightened || e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void A_state_directory_holding_other_files_keeps_its_mode_and_is_warned_about()
    {
        // Logs:StatePath set to a shared directory by mistake (/var/lib, /tmp): changing its mode could break the host.
        var state = Path.Combine(_dir.Path, "shared");
        Directory.CreateDirectory(state);
        File.SetUnixFileMode(state, Mode("755"));
        var other = Path.Combine(state, "someone-elses.conf");
        File.WriteAllText(other, "x");
        File.SetUnixFileMode(other, Mode("644"));
        var store = new CheckpointStore(state, _time, Expiry, NullLogger.Instance);
        store.Save([Sample("/a.log", 1, Start)]);
        File.SetUnixFileMode(store.FilePath, Mode("644"));
        // Not written by the agent either (it writes in place): a link is never followed out of the directory.
        using var elsewhere = new TempDirectory();
        var target = elsewhere.Write("passwd", "x");
        File.SetUnixFileMode(target, Mode("644"));
        File.CreateSymbolicLink(Path.Combine(state, "dead-letter.ndjson"), target);

        var logger = new ListLogger();
        new CheckpointStore(state, _time, Expiry, logger).Load();

        Assert.Equal(PrivateFile, File.GetUnixFileMode(store.FilePath));
        Assert.Equal(Mode("644"), File.GetUnixFileMode(other));
        Assert.Equal(Mode("644"), File.GetUnixFileMode(target));
        Assert.Equal(Mode("755"), File.GetUnixFileMode(state));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(state + " (0755)", StringComparison.Ordinal)
            && e.Message.Contains("someone-elses.conf", StringComparison.Ordinal));
    }

    [Fact]
    public void Corrupt_json_is_set_aside_and_reported_by_name()
    {
        var logger = new ListLogger();
        var store = new CheckpointStore(_dir.Path, _time, Expiry, logger);
        File.WriteAllText(store.FilePath, "{\"version\":1,\"checkpoints\":[{\"dev");

        var load = store.Load();

        var aside = store.FilePath + ".corrupt-20261128T101500Z";
        Assert.Empty(load.Checkpoints);
        Assert.True(load.FileExisted);
        Assert.NotNull(load.Problem);
        Assert.Contains(store.FilePath, load.Problem, StringComparison.Ordinal);
        Assert.Contains(aside, load.Problem, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", load.Problem, StringComparison.Ordinal);
        Assert.False(File.Exists(store.FilePath));
        Assert.Equal("{\"version\":1,\"checkpoints\":[{\"dev", File.ReadAllText(aside));
        Assert.Contains(logger.Entries, e => e.Id == 651 && e.Level == LogLevel.Error && e.Message == load.Problem);
    }

    [Fact]
    public void A_second_corrupt_file_in_the_same_second_does_not_replace_the_first()
    {
        var store = Store();
        File.WriteAllText(store.FilePath, "first");
        store.Load();
        File.WriteAllText(store.FilePath, "second");

        var load = store.Load();

        Assert.Contains(".corrupt-20261128T101500Z-2", load.Problem, StringComparison.Ordinal);
        Assert.Equal("first", File.ReadAllText(store.FilePath + ".corrupt-20261128T101500Z"));
        Assert.Equal("second", File.ReadAllText(store.FilePath + ".corrupt-20261128T101500Z-2"));
    }

    [Fact]
    public void An_unknown_version_is_set_aside_not_misread()
    {
        var store = Store();
        File.WriteAllText(store.FilePath, "{\"version\":2,\"checkpoints\":[]}");

        var load = store.Load();

        Assert.Empty(load.Checkpoints);
        Assert.Contains("version 2", load.Problem, StringComparison.Ordinal);
        Assert.True(File.Exists(store.FilePath + ".corrupt-20261128T101500Z"));
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"checkpoints\":[]}", "no numeric \"version\"")]
    [InlineData("{\"version\":1}", "no \"checkpoints\" array")]
    [InlineData("{\"version\":1,\"checkpoints\":[{\"device\":1,\"inode\":2,\"fingerprint\":\"0000000000000003\",\"fingerprint_length\":64,\"path\":\"/a\",\"offset\":-1,\"tail_hash\":\"0000000000000000\",\"tail_length\":0,\"updated_at\":\"2026-11-28T10:15:00Z\"}]}", "\"offset\"")]
    [InlineData("{\"version\":1,\"checkpoints\":[{\"device\":1,\"inode\":2,\"fingerprint\":\"3\",\"fingerprint_length\":64,\"path\":\"/a\",\"offset\":0,\"tail_hash\":\"0000000000000000\",\"tail_length\":0,\"updated_at\":\"2026-11-28T10:15:00Z\"}]}", "\"fingerprint\"")]
    [InlineData("{\"version\":1,\"checkpoints\":[{\"device\":1,\"inode\":2,\"fingerprint\":\"0000000000000003\",\"fingerprint_length\":65,\"path\":\"/a\",\"offset\":0,\"tail_hash\":\"0000000000000000\",\"tail_length\":0,\"updated_at\":\"2026-11-28T10:15:00Z\"}]}", "\"fingerprint_length\"")]
    [InlineData("{\"version\":1,\"checkpoints\":[{\"device\":1,\"inode\":2,\"fingerprint\":\"0000000000000003\",\"fingerprint_length\":64,\"path\":\"/a\",\"offset\":100,\"tail_hash\":\"0000000000000000\",\"tail_length\":3,\"updated_at\":\"2026-11-28T10:15:00Z\"}]}", "\"tail_length\" of 3")]
    [InlineData("{\"version\":1,\"checkpoints\":[{\"device\":1,\"inode\":2,\"fingerprint\":\"0000000000000003\",\"fingerprint_length\":64,\"offset\":0,\"tail_hash\":\"0000000000000000\",\"tail_length\":0,\"updated_at\":\"2026-11-28T10:15:00Z\"}]}", "\"path\"")]
    [InlineData("{\"version\":1,\"checkpoints\":[{\"device\":1,\"inode\":2,\"fingerprint\":\"0000000000000003\",\"fingerprint_length\":64,\"path\":\"/a\",\"offset\":0,\"tail_hash\":\"0000000000000000\",\"tail_length\":0,\"updated_at\":\"2026-11-28T10:15:00Z\",\"truncated_at\":\"soon\"}]}", "\"truncated_at\"")]
    [InlineData("", "not valid JSON")]
    public void A_file_that_is_not_a_checkpoint_file_is_set_aside_with_the_reason(string content, string reason)
    {
        var store = Store();
        File.WriteAllText(store.FilePath, content);

        var load = store.Load();

        Assert.Empty(load.Checkpoints);
        Assert.Contains(reason, load.Problem, StringComparison.Ordinal);
        Assert.False(File.Exists(store.FilePath));
    }

    [Fact]
    public void Entries_not_updated_for_the_expiry_are_dropped_on_save_not_on_load()
    {
        var store = Store();
        var fresh = Sample("/fresh.log", 10, Start);
        var edge = Sample("/edge.log", 20, Start - Expiry);
        var stale = Sample("/stale.log", 30, Start - Expiry - TimeSpan.FromSeconds(1));
        File.WriteAllText(store.FilePath, Json(fresh, edge, stale));

        Assert.Equal(3, store.Load().Checkpoints.Count);
        Assert.Equal(2, store.Save([fresh, edge, stale]));
        Assert.Equal([fresh, edge], store.Load().Checkpoints);

        _time.Advance(TimeSpan.FromSeconds(1));
        store.Save([fresh, edge]);
        Assert.Equal([fresh], store.Load().Checkpoints);
    }

    [Fact]
    public void One_identity_given_twice_keeps_the_latest()
    {
        var store = Store();
        var older = Sample("/0.log", 10, Start.AddSeconds(-2));
        var newer = older with { Path = "/0.log.20261128-101500", UpdatedAt = Start };

        Assert.Equal(1, store.Save([newer, older]));
        Assert.Equal([newer], store.Load().Checkpoints);
    }

    [Fact]
    public void A_leftover_temporary_file_is_ignored_and_replaced()
    {
        var store = Store();
        store.Save([Sample("/a.log", 5, Start)]);
        // A crash between writing the temporary file and renaming it leaves both.
        File.WriteAllText(store.FilePath + ".tmp", "{\"version\":1,\"checkp");

        var load = store.Load();
        Assert.Null(load.Problem);
        Assert.Equal("/a.log", Assert.Single(load.Checkpoints).Path);

        store.Save([Sample("/b.log", 6, Start)]);
        Assert.False(File.Exists(store.FilePath + ".tmp"));
        Assert.Equal("/b.log", Assert.Single(store.Load().Checkpoints).Path);
        Assert.Equal([CheckpointStore.FileName], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_file_whole()
    {
        var store = Store();
        store.Save([Sample("/a.log", 5, Start)]);
        var before = File.ReadAllBytes(store.FilePath);
        // The temporary file's name is taken by a directory: writing it fails.
        Directory.CreateDirectory(store.FilePath + ".tmp");

        var error = Assert.ThrowsAny<Exception>(() => store.Save([Sample("/b.log", 6, Start)]));
        Assert.True(error is IOException or UnauthorizedAccessException, error.ToString());
        Assert.Equal(before, File.ReadAllBytes(store.FilePath));
    }

    [Fact]
    public void Resume_checks_the_bytes_before_the_offset()
    {
        using var files = new TempDirectory();
        var path = files.Write("0.log", new string('a', 100) + "\n" + new string('b', 100) + "\n");
        var checkpoint = Capture(path, 101);

        File.AppendAllText(path, "more\n");
        Assert.True(Check(path, checkpoint));

        // Truncated and written again past the old offset: the size alone would not tell.
        File.WriteAllText(path, new string('a', 90) + "\n" + new string('c', 200) + "\n");
        Assert.False(Check(path, checkpoint));

        // Truncated below the offset.
        File.WriteAllText(path, "x\n");
        Assert.False(Check(path, checkpoint));
    }

    [Fact]
    public void Resume_at_offset_zero_needs_no_tail()
    {
        using var files = new TempDirectory();
        var path = files.Write("0.log", "");
        var checkpoint = Capture(path, 0);

        Assert.Equal(0, checkpoint.TailLength);
        Assert.True(Check(path, checkpoint));
    }

    [Fact]
    public void Resume_needs_the_same_file_and_the_same_tail()
    {
        using var files = new TempDirectory();
        var path = files.Write("0.log", new string('x', 300));
        var checkpoint = Capture(path, 200);
        using (var handle = File.OpenHandle(path))
        {
            Assert.True(CheckpointStore.CanResume(checkpoint, handle));
        }

        var other = files.Write("1.log", new string('x', 300));
        using var otherHandle = File.OpenHandle(other);
        Assert.True(CheckpointStore.TailMatches(checkpoint, otherHandle));
        Assert.False(CheckpointStore.CanResume(checkpoint, otherHandle));
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    private CheckpointStore Store() => new(_dir.Path, _time, Expiry, NullLogger.Instance);

    private static Checkpoint Sample(string path, long offset, DateTimeOffset updatedAt) =>
        Checkpoint.From(new FileIdentity(2049, FileIdentity.Hash(Encoding.UTF8.GetBytes(path)), 0x0123456789abcdef, 64), path, offset, new byte[Math.Min(offset, 64)], updatedAt);

    private static Checkpoint Capture(string path, long offset)
    {
        using var handle = File.OpenHandle(path);
        return Checkpoint.Capture(FileIdentity.Read(handle), path, handle, offset, Start)!;
    }

    private static bool Check(string path, Checkpoint checkpoint)
    {
        using var handle = File.OpenHandle(path);
        return CheckpointStore.TailMatches(checkpoint, handle);
    }

    private static string Json(params Checkpoint[] checkpoints)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CheckpointJson.Write(writer, checkpoints);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
