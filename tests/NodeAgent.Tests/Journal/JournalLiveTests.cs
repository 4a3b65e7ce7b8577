using System.Diagnostics;
using NodeAgent.Journal;

namespace NodeAgent.Tests.Journal;

/// <summary>
/// Files that grow while read: written by a running systemd-journal-remote (the file online, as journald keeps its
/// active file), or appended by a second run between two reads. Every entry comes exactly once, and an entry not
/// completely written yet stops the reader before it until it is.
/// </summary>
public sealed class JournalLiveTests(JournalFixture fixture) : IClassFixture<JournalFixture>
{
    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void Entries_written_while_the_file_is_read_come_once_each()
    {
        var path = Path.Combine(fixture.Directory, Guid.NewGuid().ToString("N") + ".journal");
        var info = new ProcessStartInfo(JournalTools.Path(JournalTools.Remote), ["-o", path, "-"]) { RedirectStandardInput = true, RedirectStandardError = true };
        info.Environment["SYSTEMD_JOURNAL_COMPACT"] = "1";
        using var remote = Process.Start(info)!;
        var stderr = remote.StandardError.ReadToEndAsync();
        var read = new List<JournalEntry>();
        var sawOnline = false;
        JournalFileReader? reader = null;
        try
        {
            var written = 0;
            foreach (var batch in new[] { 1, 9, 250, 1700, 3 })
            {
                remote.StandardInput.BaseStream.Write(TestJournals.Corpus(batch, seed: written + 1, firstIndex: written));
                remote.StandardInput.BaseStream.Flush();
                written += batch;
                var deadline = Stopwatch.StartNew();
                while (read.Count < written)
                {
                    Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"{read.Count} of {written} entries read after 60 s");
                    reader ??= TryOpen(path);
                    if (reader is not null)
                    {
                        read.AddRange(JournalReading.ReadAvailable(reader, out _));
                        sawOnline |= reader.MayStillGrow;
                    }

                    Thread.Sleep(10);
                }

                Assert.Equal(written, read.Count);
            }

            remote.StandardInput.Close();
            Assert.True(remote.WaitForExit(TimeSpan.FromSeconds(60)), "systemd-journal-remote did not exit");
            Assert.True(remote.ExitCode == 0, stderr.Result);

            // Closed: the header says offline and nothing more comes.
            read.AddRange(JournalReading.ReadAvailable(reader!, out var status));
            Assert.Equal(JournalReadStatus.End, status);
            Assert.Equal(JournalFileState.Offline, reader!.Header.State);
        }
        finally
        {
            reader?.Dispose();
            if (!remote.HasExited)
            {
                remote.Kill();
            }
        }

        Assert.True(sawOnline, "the file was never seen online while written");
        JournalReading.AssertSameAsJournalctl(ExportFormat.Parse(TestJournals.Export(path)), read);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void A_file_appended_between_two_reads_gives_the_new_entries_once()
    {
        var path = Path.Combine(fixture.Directory, Guid.NewGuid().ToString("N") + ".journal");
        TestJournals.Write(path, TestJournals.Corpus(500), TestJournals.Default);
        using var reader = JournalFileReader.Open(path);
        var first = JournalReading.ReadAvailable(reader, out var status);
        Assert.Equal(JournalReadStatus.End, status);
        Assert.Equal(JournalReadStatus.End, reader.TryReadNext(out _));

        TestJournals.Write(path, TestJournals.Corpus(700, seed: 2, firstIndex: 500), TestJournals.Default);
        var second = JournalReading.ReadAvailable(reader, out status);

        Assert.Equal(JournalReadStatus.End, status);
        Assert.Equal(500, first.Count);
        Assert.Equal(700, second.Count);
        JournalReading.AssertSameAsJournalctl(ExportFormat.Parse(TestJournals.Export(path)), [.. first, .. second]);
    }

    public static TheoryData<bool, string> TailDamages() => new()
    {
        { true, "entry-zeroed" },
        { false, "entry-zeroed" },
        { true, "data-zeroed" },
        { true, "payload-torn" },
        { false, "payload-torn" },
        { true, "item-missing" },
        { false, "item-missing" },
        { true, "link-missing" },
        { false, "entry-half-written" },
    };

    /// <summary>
    /// journald links an entry only after writing it, but a reader sees the file through the page cache with no lock:
    /// any part of the newest entry may still read as zeros or half-written. The reader stops before it
    /// (<see cref="JournalReadStatus.Incomplete"/>, as often as asked), then returns it once journald's bytes land.
    /// </summary>
    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [MemberData(nameof(TailDamages))]
    public void An_entry_not_completely_written_stops_the_reader_before_it_until_it_is(bool compact, string damage)
    {
        var (bytes, export) = fixture.File(compact);
        RawJournal.SetState(bytes, JournalFileState.Online);
        var intact = (byte[])bytes.Clone();
        var (from, to, reachable) = Damage(bytes, damage);
        var path = fixture.Save(bytes);
        using var reader = JournalFileReader.Open(path);

        var before = JournalFixture.Bounded(() => JournalReading.ReadAvailable(reader, out var status) is var e && status == JournalReadStatus.Incomplete ? e : throw new Xunit.Sdk.XunitException($"{status} after {e.Count}"));
        Assert.Equal(JournalReadStatus.Incomplete, reader.TryReadNext(out var none));
        Assert.Null(none);

        JournalFixture.WriteInPlace(path, from, intact.AsSpan((int)from, (int)(to - from)));
        var after = JournalReading.ReadAvailable(reader, out var end);

        Assert.Equal(reachable, before.Count);
        Assert.Equal(JournalReadStatus.End, end);
        JournalReading.AssertSameAsJournalctl(export, [.. before, .. after]);
    }

    /// <summary>A file set aside as dirty (<c>.journal~</c>) stays online in its header, but journald never writes it
    /// again: damage there is damage.</summary>
    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void A_dirty_file_set_aside_is_not_waited_for()
    {
        var (bytes, export) = fixture.File(compact: true);
        RawJournal.SetState(bytes, JournalFileState.Online);
        var (_, _, reachable) = Damage(bytes, "entry-zeroed");
        var path = fixture.Save(bytes, "system@0123456789abcdef-0000000000000001.journal~");

        var (entries, error) = JournalFixture.ReadUntilError(path);

        Assert.Equal(reachable, entries.Count);
        JournalReading.AssertSameAsJournalctl(export[..reachable], entries);
        Assert.Contains("where an entry was expected", error.Reason, StringComparison.Ordinal);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void A_loop_is_refused_in_an_online_file_too()
    {
        var (bytes, _) = fixture.File(compact: true);
        RawJournal.SetState(bytes, JournalFileState.Online);
        var arrays = RawJournal.EntryArrays(bytes);
        RawJournal.SetU64(bytes, arrays[2] + 16, (ulong)arrays[0]);

        var (_, error) = JournalFixture.ReadUntilError(fixture.Save(bytes));

        Assert.Contains("a loop or damage", error.Reason, StringComparison.Ordinal);
    }

    /// <summary>Damages the tail of <paramref name="bytes"/>; returns the byte range to restore and how many entries
    /// come before the damage.</summary>
    private (long From, long To, int Reachable) Damage(byte[] bytes, string damage)
    {
        var entries = RawJournal.EntryOffsets(bytes);
        var last = entries[^1];
        var lastSize = (long)RawJournal.U64(bytes, last + 8);
        switch (damage)
        {
            case "entry-zeroed":
                bytes.AsSpan((int)last, (int)lastSize).Clear();
                return (last, last + lastSize, entries.Count - 1);
            case "entry-half-written":
                bytes.AsSpan((int)last + 64, (int)lastSize - 64).Clear();
                return (last, last + lastSize, entries.Count - 1);
            case "data-zeroed":
            case "payload-torn":
                var data = MessageObject(bytes, entries.Count - 1);
                var size = (long)RawJournal.U64(bytes, data + 8);
                if (damage == "data-zeroed")
                {
                    bytes.AsSpan((int)data, (int)size).Clear();
                }
                else
                {
                    var start = RawJournal.Header(bytes).IsCompact ? 72 : 64;
                    bytes.AsSpan((int)data + start + (int)(size - start) / 2, (int)(size - start) / 2).Clear();
                }

                return (data, data + size, entries.Count - 1);
            case "item-missing":
            {
                var arrays = RawJournal.EntryArrays(bytes);
                var compact = RawJournal.Header(bytes).IsCompact;
                var itemSize = compact ? 4 : 8;
                var array = arrays[^1];
                var at = Enumerable.Range(0, ((int)RawJournal.U64(bytes, array + 8) - 24) / itemSize)
                    .Select(i => array + 24 + i * itemSize)
                    .Last(a => (compact ? BitConverter.ToUInt32(bytes, (int)a) : RawJournal.U64(bytes, a)) == (ulong)last);
                bytes.AsSpan((int)at, itemSize).Clear();
                return (at, at + itemSize, entries.Count - 1);
            }

            case "link-missing":
            {
                var arrays = RawJournal.EntryArrays(bytes);
                var link = arrays[^2] + 16;
                var itemSize = RawJournal.Header(bytes).IsCompact ? 4 : 8;
                var reachable = arrays.SkipLast(1).Sum(a => ((int)RawJournal.U64(bytes, a + 8) - 24) / itemSize);
                RawJournal.SetU64(bytes, link, 0);
                return (link, link + 8, reachable);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(damage));
        }
    }

    /// <summary>The MESSAGE DATA object of entry <paramref name="index"/> (unique to it).</summary>
    private long MessageObject(byte[] bytes, int index)
    {
        var intact = JournalReading.ReadAll(fixture.Save(bytes.ToArray().Also(b => RawJournal.SetState(b, JournalFileState.Offline))));
        var entry = intact[index];
        return RawJournal.DataOffset(bytes, entry.Offset, entry.Fields.ToList().FindIndex(f => f.Name == "MESSAGE"));
    }

    private static JournalFileReader? TryOpen(string path)
    {
        try
        {
            return File.Exists(path) ? JournalFileReader.Open(path) : null;
        }
        catch (JournalFormatException)
        {
            // Just created: the header is not written yet.
            return null;
        }
    }
}

internal static class ByteArrayExtensions
{
    public static byte[] Also(this byte[] bytes, Action<byte[]> change)
    {
        change(bytes);
        return bytes;
    }
}
