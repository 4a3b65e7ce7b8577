using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NodeAgent.Tests.Journal;

/// <summary>One entry of the journal export format (systemd's docs/JOURNAL_EXPORT_FORMATS.md): metadata (the
/// <c>__</c> fields and <c>_BOOT_ID</c>, which journalctl prints from the entry itself) and the fields in order.</summary>
internal sealed record ExportEntry(IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<(string Name, byte[] Value)> Fields);

/// <summary>
/// Writes export-format input for systemd-journal-remote and reads journalctl's <c>-o export</c> output. A field is
/// <c>NAME=value\n</c>, or, for a value with a newline (or any value the writer is asked to send so),
/// <c>NAME\n</c>, the value's length as 64-bit little-endian, the value, <c>\n</c>; an empty line ends an entry.
/// </summary>
internal static class ExportFormat
{
    public static void WriteEntry(Stream output, ulong realtime, ulong monotonic, string bootId, IEnumerable<(string Name, byte[] Value)> fields, bool forceBinary = false)
    {
        WriteText(output, "__REALTIME_TIMESTAMP", realtime.ToString(CultureInfo.InvariantCulture));
        WriteText(output, "__MONOTONIC_TIMESTAMP", monotonic.ToString(CultureInfo.InvariantCulture));
        WriteText(output, "_BOOT_ID", bootId);
        Span<byte> length = stackalloc byte[8];
        foreach (var (name, value) in fields)
        {
            if (forceBinary || value.AsSpan().IndexOf((byte)'\n') >= 0)
            {
                output.Write(Encoding.ASCII.GetBytes(name + "\n"));
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)value.Length);
                output.Write(length);
                output.Write(value);
                output.WriteByte((byte)'\n');
            }
            else
            {
                output.Write(Encoding.ASCII.GetBytes(name + "="));
                output.Write(value);
                output.WriteByte((byte)'\n');
            }
        }

        output.WriteByte((byte)'\n');
    }

    private static void WriteText(Stream output, string name, string value) => output.Write(Encoding.UTF8.GetBytes($"{name}={value}\n"));

    public static List<ExportEntry> Parse(byte[] export)
    {
        var entries = new List<ExportEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = new List<(string, byte[])>();
        var at = 0;
        while (at < export.Length)
        {
            var end = Array.IndexOf(export, (byte)'\n', at);
            if (end < 0)
            {
                throw new FormatException($"export output ends inside a line at {at}");
            }

            if (end == at)
            {
                entries.Add(new ExportEntry(metadata, fields));
                metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                fields = [];
                at = end + 1;
                continue;
            }

            var line = export.AsSpan(at, end - at);
            var equals = line.IndexOf((byte)'=');
            string name;
            byte[] value;
            if (equals >= 0)
            {
                name = Encoding.ASCII.GetString(line[..equals]);
                value = line[(equals + 1)..].ToArray();
                at = end + 1;
            }
            else
            {
                name = Encoding.ASCII.GetString(line);
                var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(export.AsSpan(end + 1));
                value = export.AsSpan(end + 9, length).ToArray();
                at = end + 9 + length + 1;
            }

            if (name.StartsWith("__", StringComparison.Ordinal) || name == "_BOOT_ID")
            {
                metadata[name] = Encoding.UTF8.GetString(value);
            }
            else
            {
                fields.Add((name, value));
            }
        }

        return entries;
    }
}
