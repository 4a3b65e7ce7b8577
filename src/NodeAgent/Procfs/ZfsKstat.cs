using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One value of a ZFS named kstat: a 64-bit integer (<see cref="Text"/> null) or a string.</summary>
internal readonly record struct ZfsKstatValue(string Name, double Number, string? Text);

/// <summary>
/// The files OpenZFS's SPL writes under <c>/proc/spl/kstat/zfs</c> (module/os/linux/spl/spl-kstat.c). A named kstat
/// (arcstats, dbufstats, a pool's <c>objset-*</c>, …) is a header line, then <c>name type data</c>, then one line per
/// value: its name, its KSTAT_DATA_* type and the data. node_exporter reads the 64-bit integers (type 3, signed, and
/// 4, unsigned) and, in an objset, the dataset's name (type 7, a string that may hold spaces); other types are
/// skipped. A pool's <c>io</c> kstat is a header line, a line of column names starting with <c>nread</c> (at least
/// 12), then a line of unsigned values.
/// </summary>
internal static class ZfsKstat
{
    private const byte SignedInt64 = (byte)'3';
    private const byte UnsignedInt64 = (byte)'4';
    private const byte String = (byte)'7';

    /// <summary>The integer and string values of a named kstat; false, with the reason, when the file has no
    /// <c>name type data</c> line or an integer that does not parse.</summary>
    public static bool TryParseNamed(ReadOnlySpan<byte> content, out List<ZfsKstatValue> values, out string error)
    {
        values = [];
        error = "";
        Span<Range> fields = stackalloc Range[4];
        var started = false;
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var count = AsciiFields.Split(line, fields);
            if (!started)
            {
                started = count == 3 && line[fields[0]].SequenceEqual("name"u8) && line[fields[1]].SequenceEqual("type"u8) && line[fields[2]].SequenceEqual("data"u8);
                continue;
            }

            if (count < 3 || line[fields[1]].Length != 1)
            {
                continue;
            }

            var name = Encoding.UTF8.GetString(line[fields[0]]);
            var data = line[fields[2]];
            switch (line[fields[1]][0])
            {
                case UnsignedInt64 when AsciiFields.TryParseUInt64(data, out var unsigned):
                    values.Add(new ZfsKstatValue(name, unsigned, null));
                    break;
                case SignedInt64 when Utf8Parser.TryParse(data, out long signed, out var used) && used == data.Length:
                    values.Add(new ZfsKstatValue(name, signed, null));
                    break;
                case UnsignedInt64 or SignedInt64:
                    error = $"{name}: '{Encoding.UTF8.GetString(data)}' is not an integer";
                    return false;
                case String:
                    // The rest of the line from the data's first character: a dataset name keeps its spaces.
                    values.Add(new ZfsKstatValue(name, 0, Encoding.UTF8.GetString(line[fields[2].Start..])));
                    break;
            }
        }

        if (!started)
        {
            error = "no 'name type data' line";
        }

        return started;
    }

    /// <summary>A pool's io kstat as (column, value) pairs, in the file's column order; none when the file has no
    /// <c>nread</c> header. False, with the reason, when a value does not parse or is missing.</summary>
    public static bool TryParseIo(ReadOnlySpan<byte> content, out List<(string Column, ulong Value)> values, out string error)
    {
        values = [];
        error = "";
        string[]? columns = null;
        Span<Range> fields = stackalloc Range[32];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var count = Math.Min(AsciiFields.Split(line, fields), fields.Length);
            if (count == 0)
            {
                continue;
            }

            if (columns is null)
            {
                if (count >= 12 && line[fields[0]].SequenceEqual("nread"u8))
                {
                    columns = new string[count];
                    for (var i = 0; i < count; i++)
                    {
                        columns[i] = Encoding.UTF8.GetString(line[fields[i]]);
                    }
                }

                continue;
            }

            for (var i = 0; i < columns.Length; i++)
            {
                if (i >= count || !AsciiFields.TryParseUInt64(line[fields[i]], out var value))
                {
                    error = $"{columns[i]}: missing or not an unsigned integer";
                    return false;
                }

                values.Add((columns[i], value));
            }
        }

        return true;
    }
}
