using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// One controller line of <c>/proc/cgroups</c> (cgroups(7)): <c>subsys_name hierarchy num_cgroups enabled</c>. Read as
/// prometheus/procfs reads it (proc_cgroups.go): lines starting with <c>#</c> are the header, every other line needs at
/// least four fields whose last three are integers; anything else fails the whole file.
/// </summary>
internal readonly record struct CgroupSummary(string SubsysName, int Hierarchy, int Cgroups, int Enabled)
{
    public static bool TryParse(ReadOnlySpan<byte> content, out List<CgroupSummary> summaries, out string? problem)
    {
        summaries = [];
        problem = null;
        Span<Range> fields = stackalloc Range[4];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            if (line.StartsWith("#"u8))
            {
                continue;
            }

            if (AsciiFields.Split(line, fields) < 4
                || !TryParseInt(line[fields[1]], out var hierarchy)
                || !TryParseInt(line[fields[2]], out var cgroups)
                || !TryParseInt(line[fields[3]], out var enabled))
            {
                problem = $"unexpected line \"{Encoding.UTF8.GetString(line)}\"";
                return false;
            }

            summaries.Add(new CgroupSummary(Encoding.UTF8.GetString(line[fields[0]]), hierarchy, cgroups, enabled));
        }

        return true;
    }

    // Go's strconv.Atoi: an optional sign, then decimal digits.
    private static bool TryParseInt(ReadOnlySpan<byte> text, out int value) =>
        int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);
}
