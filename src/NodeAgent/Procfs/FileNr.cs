using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// <c>/proc/sys/fs/file-nr</c> (Documentation/admin-guide/sysctl/fs.rst): allocated handles, free handles (always 0
/// since 2.6) and the maximum, tab-separated. Parsed as node_exporter's filefd collector does: trimmed, split on tabs,
/// at least three parts, the first and third as floats.
/// </summary>
internal readonly record struct FileNr(double Allocated, double Maximum)
{
    public static bool TryParse(ReadOnlySpan<byte> content, out FileNr fileNr)
    {
        fileNr = default;
        var text = content.Trim(" \t\n\r\v\f"u8);
        Span<Range> parts = stackalloc Range[3];
        var count = 0;
        foreach (var range in text.Split((byte)'\t'))
        {
            if (count < parts.Length)
            {
                parts[count] = range;
            }

            count++;
        }

        if (count < 3
            || !AsciiFields.TryParseFloat(text[parts[0]], out var allocated)
            || !AsciiFields.TryParseFloat(text[parts[2]], out var maximum))
        {
            return false;
        }

        fileNr = new FileNr(allocated, maximum);
        return true;
    }

    public static string Describe(ReadOnlySpan<byte> content) => Encoding.UTF8.GetString(content.Trim("\n"u8));
}
