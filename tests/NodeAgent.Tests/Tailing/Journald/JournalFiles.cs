using System.Globalization;
using System.Text;
using NodeAgent.Tests.Journal;

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>What journalctl says a journal file holds, entry by entry: the reference the shipped documents are checked
/// against.</summary>
internal static class JournalFiles
{
    /// <summary>journalctl's entries of the file, with their seqnum (from the cursor's <c>i=</c>).</summary>
    public static List<(ulong Seqnum, ExportEntry Entry)> Read(string path) =>
        [.. ExportFormat.Parse(TestJournals.Export(path)).Select(e => (Seqnum(e.Metadata["__CURSOR"]), e))];

    public static ulong Seqnum(string cursor)
    {
        var part = cursor.Split(';').Single(p => p.StartsWith("i=", StringComparison.Ordinal));
        return ulong.Parse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    public static string? Text(ExportEntry entry, string field) =>
        entry.Fields.Where(f => f.Name == field).Select(f => Encoding.UTF8.GetString(f.Value)).FirstOrDefault();

    /// <summary>journald's way of archiving a file: its header's state becomes ARCHIVED (2).</summary>
    public static void Archive(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.Write(handle, new byte[] { 2 }, 16);
    }
}
