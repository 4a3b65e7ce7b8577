using NodeAgent.Journal;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Journal;

/// <summary>
/// Two real journal files (compact with keyed hash, and regular with Jenkins hash, both zstd) of
/// <see cref="EntryCount"/> entries, written once for a test class, with journalctl's reading of each. Tests damage
/// copies of their bytes. When the tools are missing the fixture is empty and the tests skip before using it.
/// </summary>
public sealed class JournalFixture : IDisposable
{
    public const int EntryCount = 2000;

    private readonly TempDirectory _dir = new();
    private readonly Dictionary<bool, (byte[] Bytes, List<ExportEntry> Export)> _files = [];

    public string Directory => _dir.Path;

    /// <summary>The file's bytes (a fresh copy) and journalctl's entries of it.</summary>
    internal (byte[] Bytes, List<ExportEntry> Export) File(bool compact)
    {
        lock (_files)
        {
            if (!_files.TryGetValue(compact, out var file))
            {
                var path = Path.Combine(_dir.Path, compact ? "compact.journal" : "regular.journal");
                TestJournals.Write(path, TestJournals.Corpus(EntryCount), new JournalVariant("fixture", compact, KeyedHash: compact, JournalCodec.Zstd));
                file = (System.IO.File.ReadAllBytes(path), ExportFormat.Parse(TestJournals.Export(path)));
                _files[compact] = file;
            }

            return ((byte[])file.Bytes.Clone(), file.Export);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> as a journal file of this fixture's directory.</summary>
    public string Save(byte[] bytes, string name = "damaged.journal")
    {
        var path = Path.Combine(_dir.Path, Guid.NewGuid().ToString("N"), name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of a file a reader holds open, as journald would.</summary>
    public static void WriteInPlace(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.Write(handle, bytes, offset);
    }

    /// <summary>Runs <paramref name="read"/> with a deadline: damage must end in an answer, never a hang.</summary>
    public static T Bounded<T>(Func<T> read)
    {
        var task = Task.Run(read);
        Assert.True(task.Wait(TimeSpan.FromSeconds(30)), "the reader did not finish within 30 s");
        return task.Result;
    }

    /// <summary>Reads until the reader throws; the entries before, and the error.</summary>
    internal static (List<JournalEntry> Entries, JournalFormatException Error) ReadUntilError(string path) => Bounded(() =>
    {
        using var reader = JournalFileReader.Open(path);
        var entries = new List<JournalEntry>();
        try
        {
            while (reader.TryReadNext(out var entry) == JournalReadStatus.Entry)
            {
                entries.Add(entry!);
            }
        }
        catch (JournalFormatException e)
        {
            return (entries, e);
        }

        throw new Xunit.Sdk.XunitException($"the damaged file read as {entries.Count} entries and no error");
    });

    public void Dispose() => _dir.Dispose();
}
