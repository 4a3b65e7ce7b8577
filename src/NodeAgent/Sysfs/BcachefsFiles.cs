using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Sysfs;

/// <summary>
/// The text attributes bcachefs writes under <c>/sys/fs/bcachefs/&lt;uuid&gt;</c> (fs/bcachefs/sysfs.c and the
/// printbuf helpers), parsed as prometheus/procfs's bcachefs package does. Sizes are human-readable: a number with an
/// optional power-of-1024 suffix (<c>k M G T P E</c>, any case), truncated to whole bytes. Each parser throws
/// <see cref="InvalidDataException"/> on a value that does not parse; lines without enough fields are skipped.
/// </summary>
internal static class BcachefsFiles
{
    /// <summary>"2.05G" → 2,201,170,739 bytes.</summary>
    public static ulong HumanBytes(ReadOnlySpan<byte> text)
    {
        text = text.Trim(" \t\n\r\v\f"u8);
        if (text.IsEmpty)
        {
            throw new InvalidDataException("empty size");
        }

        var multiplier = (text[^1] | 0x20) switch
        {
            'k' => 1024d,
            'm' => 1024d * 1024,
            'g' => 1024d * 1024 * 1024,
            't' => 1024d * 1024 * 1024 * 1024,
            'p' => 1024d * 1024 * 1024 * 1024 * 1024,
            'e' => 1024d * 1024 * 1024 * 1024 * 1024 * 1024,
            _ => 1d,
        };
        var number = multiplier == 1 ? text : text[..^1].Trim(" \t"u8);
        return AsciiFields.TryParseFloat(number, out var value)
            ? (ulong)(value * multiplier)
            : throw new InvalidDataException($"'{Encoding.UTF8.GetString(text)}' is not a size");
    }

    /// <summary><c>compression_stats</c>: a header line, then <c>algorithm compressed uncompressed [average extent]</c>.</summary>
    public static List<(string Algorithm, ulong Compressed, ulong Uncompressed)> CompressionStats(ReadOnlySpan<byte> content)
    {
        var rows = new List<(string, ulong, ulong)>();
        Span<Range> fields = stackalloc Range[4];
        var first = true;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var count = AsciiFields.Split(line, fields);
            if (first || count < 3)
            {
                first = false;
                continue;
            }

            // The average extent size is not exported, but procfs fails the file when it does not parse.
            rows.Add((Name(line[fields[0]]), HumanBytes(line[fields[1]]), HumanBytes(line[fields[2]])));
            if (count >= 4)
            {
                _ = HumanBytes(line[fields[3]]);
            }
        }

        return rows;
    }

    /// <summary><c>errors</c>: <c>name count [time of the last]</c> per line.</summary>
    public static List<(string Error, ulong Count)> Errors(ReadOnlySpan<byte> content)
    {
        var rows = new List<(string, ulong)>();
        Span<Range> fields = stackalloc Range[3];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var count = AsciiFields.Split(line, fields);
            if (count < 2)
            {
                continue;
            }

            if (!AsciiFields.TryParseUInt64(line[fields[1]], out var errors) || (count >= 3 && !AsciiFields.TryParseUInt64(line[fields[2]], out _)))
            {
                throw new InvalidDataException($"'{Encoding.UTF8.GetString(line)}' is not 'name count [time]'");
            }

            rows.Add((Encoding.UTF8.GetString(line[fields[0]]), errors));
        }

        return rows;
    }

    /// <summary>A file of <c>counters/</c>: <c>since mount: N</c> and <c>since filesystem creation: N</c>; the
    /// latter (0 when only the former is there).</summary>
    public static ulong CounterSinceCreation(ReadOnlySpan<byte> content)
    {
        ulong? mount = null, creation = null;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (line.StartsWith("since mount:"u8))
            {
                mount = HumanBytes(line["since mount:".Length..]);
            }
            else if (line.StartsWith("since filesystem creation:"u8))
            {
                creation = HumanBytes(line["since filesystem creation:".Length..]);
            }
        }

        return creation ?? (mount is null ? throw new InvalidDataException("counter format not recognized") : 0UL);
    }

    /// <summary><c>btree_write_stats</c>: a header line, then <c>type: count average-size</c>.</summary>
    public static List<(string Type, ulong Count, ulong AverageBytes)> BtreeWriteStats(ReadOnlySpan<byte> content)
    {
        var rows = new List<(string, ulong, ulong)>();
        Span<Range> fields = stackalloc Range[3];
        var first = true;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (first || AsciiFields.Split(line, fields) < 3)
            {
                first = false;
                continue;
            }

            rows.Add(AsciiFields.TryParseUInt64(line[fields[1]], out var count)
                ? (Name(line[fields[0]]), count, HumanBytes(line[fields[2]]))
                : throw new InvalidDataException($"'{Encoding.UTF8.GetString(line)}': count is not an integer"));
        }

        return rows;
    }

    /// <summary>A device's <c>io_done</c>: <c>read:</c> and <c>write:</c> sections of <c>data type : bytes</c>.</summary>
    public static List<(string Operation, string DataType, ulong Bytes)> IoDone(ReadOnlySpan<byte> content)
    {
        var rows = new List<(string, string, ulong)>();
        string? operation = null;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range].Trim(" \t\r"u8);
            if (line.SequenceEqual("read:"u8) || line.SequenceEqual("write:"u8))
            {
                operation = Encoding.UTF8.GetString(line[..^1]);
                continue;
            }

            if (operation is not null && Pair(line) is { } pair)
            {
                rows.Add((operation, pair.Name, pair.Value));
            }
        }

        return rows;
    }

    /// <summary>A device's <c>io_errors</c>: the <c>type: count</c> lines of its "since filesystem creation"
    /// section (the section since mount that follows is not read).</summary>
    public static List<(string Type, ulong Count)> IoErrors(ReadOnlySpan<byte> content)
    {
        var rows = new List<(string, ulong)>();
        var inCreation = false;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (line.StartsWith("IO errors since filesystem creation"u8))
            {
                inCreation = true;
            }
            else if (line.StartsWith("IO errors since "u8))
            {
                break;
            }
            else if (inCreation && Pair(line.Trim(" \t\r"u8)) is { } pair)
            {
                rows.Add(pair);
            }
        }

        return rows;
    }

    /// <summary><c>name: value</c> with blanks around either; null for a line without a colon.</summary>
    private static (string Name, ulong Value)? Pair(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (line.IsEmpty || colon < 0)
        {
            return null;
        }

        var value = line[(colon + 1)..].Trim(" \t"u8);
        return AsciiFields.TryParseUInt64(value, out var number)
            ? (Encoding.UTF8.GetString(line[..colon].Trim(" \t"u8)), number)
            : throw new InvalidDataException($"'{Encoding.UTF8.GetString(line)}': not an unsigned integer");
    }

    private static string Name(ReadOnlySpan<byte> field) => Encoding.UTF8.GetString(field.EndsWith(":"u8) ? field[..^1] : field);
}
