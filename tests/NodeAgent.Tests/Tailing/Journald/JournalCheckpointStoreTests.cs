using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Journal;
using NodeAgent.Tailing.Journald;
using NodeAgent.Tests.TestSupport;

// Unix file modes: the agent runs on Linux only.
#pragma warning disable CA1416

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>journal.json: versioned JSON written durably, set aside when unusable, expired entries dropped.</summary>
public sealed class JournalCheckpointStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 10, 15, 0, TimeSpan.Zero);
    private static readonly TimeSpan Expiry = TimeSpan.FromHours(24);

    private readonly TempDirectory _dir = new();
    private readonly ManualTime _time = new(Start);
    private readonly ListLogger _log = new();

    public void Dispose() => _dir.Dispose();

    private string StatePath => Path.Combine(_dir.Path, "state");

    private JournalCheckpointStore Store() => new(StatePath, _time, Expiry, _log);

    private static JournalCheckpoint Sample(ulong file, ulong seqnum, DateTimeOffset seen, string path = "/var/log/journal/m/system.journal") =>
        new(new JournalId(file, ~file), new JournalId(0xaaaa, 0xbbbb), seqnum, path, seen) { TailSeqnum = seqnum + 10 };

    [Fact]
    public void Saved_checkpoints_load_back_equal()
    {
        JournalCheckpoint[] saved =
        [
            Sample(1, 0, Start),
            Sample(ulong.MaxValue, long.MaxValue - 20, Start.AddMinutes(-5).ToOffset(TimeSpan.FromHours(2)), "/run/log/journal/m/system@ünïcode \"quoted\".journal~"),
        ];

        Assert.Equal(2, Store().Save(saved));
        var load = Store().Load();

        Assert.Null(load.Problem);
        Assert.True(load.FileExisted);
        Assert.Equal(saved, load.Checkpoints.OrderBy(c => c.FileId.High));
    }

    [Fact]
    public void The_file_is_versioned_json_with_ids_as_journalctl_prints_them_and_private()
    {
        var store = Store();
        store.Save([Sample(0x0011223344556677, 99, Start)]);

        using var json = JsonDocument.Parse(File.ReadAllBytes(store.FilePath));
        Assert.Equal(Path.Combine(StatePath, "journal.json"), store.FilePath);
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt32());
        var entry = Assert.Single(json.RootElement.GetProperty("checkpoints").EnumerateArray());
        Assert.Equal("0011223344556677ffeeddccbbaa9988", entry.GetProperty("file_id").GetString());
        Assert.Equal("000000000000aaaa000000000000bbbb", entry.GetProperty("seqnum_id").GetString());
        Assert.Equal(99UL, entry.GetProperty("seqnum").GetUInt64());
        Assert.Equal(109UL, entry.GetProperty("tail_seqnum").GetUInt64());
        Assert.Equal("2026-11-28T10:15:00+00:00", entry.GetProperty("last_seen").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        Assert.False(File.Exists(store.FilePath + ".tmp"));
    }

    [Fact]
    public void No_file_is_a_first_start()
    {
        var load = Store().Load();

        Assert.False(load.FileExisted);
        Assert.Null(load.Problem);
        Assert.Empty(load.Checkpoints);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"version":2,"checkpoints":[]}""")]
    [InlineData("""{"version":1}""")]
    [InlineData("""{"version":1,"checkpoints":[{"file_id":"xyz","seqnum_id":"000000000000aaaa000000000000bbbb","seqnum":1,"tail_seqnum":1,"path":"/p","last_seen":"2026-11-28T10:15:00Z"}]}""")]
    [InlineData("""{"version":1,"checkpoints":[{"file_id":"0011223344556677ffeeddccbbaa9988","seqnum_id":"000000000000aaaa000000000000bbbb","seqnum":-1,"tail_seqnum":1,"path":"/p","last_seen":"2026-11-28T10:15:00Z"}]}""")]
    [InlineData("""{"version":1,"checkpoints":[{"file_id":"0011223344556677ffeeddccbbaa9988","seqnum_id":"000000000000aaaa000000000000bbbb","seqnum":18446744073709551615,"tail_seqnum":1,"path":"/p","last_seen":"2026-11-28T10:15:00Z"}]}""")]
    public void A_corrupt_file_is_set_aside_and_reported_and_reading_starts_without_checkpoints(string content)
    {
        Directory.CreateDirectory(StatePath);
        var path = Path.Combine(StatePath, "journal.json");
        File.WriteAllText(path, content);

        var load = Store().Load();

        Assert.True(load.FileExisted);
        Assert.Empty(load.Checkpoints);
        Assert.NotNull(load.Problem);
        Assert.False(File.Exists(path));
        var aside = Assert.Single(Directory.GetFiles(StatePath, "journal.json.corrupt-*"));
        Assert.Equal(content, File.ReadAllText(aside));
        Assert.Contains(aside, load.Problem, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Id == 1101 && e.Message.Contains(aside, StringComparison.Ordinal));
    }

    [Fact]
    public void Checkpoints_not_seen_for_the_expiry_are_said_once_and_not_saved()
    {
        var store = Store();
        var old = Sample(1, 5, Start - Expiry - TimeSpan.FromSeconds(1));
        var fresh = Sample(2, 6, Start - Expiry + TimeSpan.FromSeconds(1));

        Assert.Equal([old], store.Expire([old, fresh]));
        Assert.Single(_log.Entries, e => e.Id == 1103);
        Assert.Equal(1, store.Save([old, fresh]));
        Assert.Equal([fresh], Store().Load().Checkpoints);
    }

    [Fact]
    public void The_latest_entry_of_a_file_id_given_twice_wins()
    {
        var older = Sample(1, 5, Start.AddMinutes(-1));
        var newer = Sample(1, 9, Start);
        Store().Save([newer, older]);

        Assert.Equal([newer], Store().Load().Checkpoints);
    }
}
