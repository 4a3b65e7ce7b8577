using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// One line of <c>/proc/[pid]/mountinfo</c> (proc(5)): <c>id parent major:minor root mountpoint options [optional...]
/// - fstype source superoptions</c>. The mount point is kept as the kernel escapes it (<c>\040</c> for a space).
/// </summary>
internal sealed record MountInfo(uint Major, uint Minor, string MountPoint, string Options, string FsType, string Source, string SuperOptions)
{
    /// <summary>Returns false, with the offending line, when a line lacks the separator field, the required fields
    /// or numeric ids (procfs rejects such a file as a whole, and node_exporter then fails the scrape).</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyList<MountInfo> mounts, out string badLine)
    {
        var result = new List<MountInfo>();
        mounts = result;
        badLine = "";
        Span<Range> fields = stackalloc Range[64];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (line.IsEmpty)
            {
                continue;
            }

            var count = 0;
            var separator = -1;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                if (line[fieldRange].IsEmpty || count == fields.Length)
                {
                    continue;
                }

                if (separator < 0 && count >= 6 && line[fieldRange].SequenceEqual("-"u8))
                {
                    separator = count;
                }

                fields[count++] = fieldRange;
            }

            // Six fields before the separator, fstype and source after it; super options may be absent.
            if (separator < 0 || count < separator + 3
                || !Utf8Parser.TryParse(line[fields[0]], out uint _, out var idLength) || idLength != line[fields[0]].Length
                || !Utf8Parser.TryParse(line[fields[1]], out uint _, out var parentLength) || parentLength != line[fields[1]].Length
                || !TryParseDevice(line[fields[2]], out var major, out var minor))
            {
                badLine = Encoding.UTF8.GetString(line);
                return false;
            }

            result.Add(new MountInfo(
                major,
                minor,
                Encoding.UTF8.GetString(line[fields[4]]),
                Encoding.UTF8.GetString(line[fields[5]]),
                Encoding.UTF8.GetString(line[fields[separator + 1]]),
                Encoding.UTF8.GetString(line[fields[separator + 2]]),
                count > separator + 3 ? Encoding.UTF8.GetString(line[fields[separator + 3]]) : ""));
        }

        return true;
    }

    /// <summary>Whether a comma-separated option list holds <paramref name="option"/> as a whole entry.</summary>
    public static bool HasOption(string options, string option)
    {
        foreach (var range in options.AsSpan().Split(','))
        {
            if (options.AsSpan()[range].SequenceEqual(option))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParseDevice(ReadOnlySpan<byte> field, out uint major, out uint minor)
    {
        minor = 0;
        var colon = field.IndexOf((byte)':');
        return Utf8Parser.TryParse(field[..Math.Max(colon, 0)], out major, out var majorLength) && colon == majorLength
            && Utf8Parser.TryParse(field[(colon + 1)..], out minor, out var minorLength) && minorLength == field.Length - colon - 1;
    }
}
