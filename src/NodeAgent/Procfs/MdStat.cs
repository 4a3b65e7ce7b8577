using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NodeAgent.Procfs;

/// <summary>
/// One array of <c>/proc/mdstat</c> (drivers/md/md.c md_seq_show), as prometheus/procfs reads it. <see cref="State"/>
/// is the device line's state word (<c>active</c>, <c>inactive</c>, ...) unless the progress line names an operation:
/// then <c>recovering</c>, <c>reshaping</c>, <c>checking</c> or <c>resyncing</c>.
/// </summary>
internal sealed partial record MdStat(string Name, string State, long DisksActive, long DisksTotal, long DisksFailed, long DisksSpare,
    long BlocksTotal, long BlocksSynced)
{
    /// <summary>Parses the file; on a line procfs would reject, returns false with the reason.</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyList<MdStat> arrays, out string error)
    {
        var result = new List<MdStat>();
        arrays = result;
        error = "";
        var lines = Encoding.UTF8.GetString(content).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0 || line[0] == ' ' || line.StartsWith("unused", StringComparison.Ordinal)
                || line.StartsWith("Personalities", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3)
            {
                error = $"expected at least 3 fields in \"{line}\"";
                return false;
            }

            var name = fields[0];
            if (lines.Length <= i + 3)
            {
                error = $"too few lines for md device {name}";
                return false;
            }

            if (!TryParseStatus(line, lines[i + 1], out var active, out var total, out var size))
            {
                error = $"cannot parse status line of {name}: \"{lines[i + 1]}\"";
                return false;
            }

            // The progress line follows the status line, or the bitmap line when there is one.
            var progress = lines[lines[i + 2].Contains("bitmap", StringComparison.Ordinal) ? i + 3 : i + 2];
            var state = fields[2];
            var synced = size;
            var recovering = progress.Contains("recovery", StringComparison.Ordinal);
            var reshaping = progress.Contains("reshape", StringComparison.Ordinal);
            var resyncing = progress.Contains("resync", StringComparison.Ordinal);
            var checking = progress.Contains("check", StringComparison.Ordinal);
            if (recovering || reshaping || resyncing || checking)
            {
                state = recovering ? "recovering" : reshaping ? "reshaping" : checking ? "checking" : "resyncing";
                if (progress.Contains("PENDING", StringComparison.Ordinal) || progress.Contains("DELAYED", StringComparison.Ordinal))
                {
                    synced = 0;
                }
                else if (!TryParseProgress(progress, out synced))
                {
                    error = $"cannot parse sync line of {name}: \"{progress}\"";
                    return false;
                }
            }

            result.Add(new MdStat(name, state, active, total, Count(line, "(F)"), Count(line, "(S)"), size, synced));
        }

        return true;
    }

    private static bool TryParseStatus(string deviceLine, string statusLine, out long active, out long total, out long size)
    {
        active = total = size = 0;
        var fields = statusLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 1 || !long.TryParse(fields[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out size))
        {
            return false;
        }

        // raid0 and linear print no [n/m] counts: their members are the bracketed indexes on the device line.
        if (deviceLine.Contains("raid0", StringComparison.Ordinal) || deviceLine.Contains("linear", StringComparison.Ordinal))
        {
            active = total = Count(deviceLine, "[");
            return true;
        }

        if (deviceLine.Contains("inactive", StringComparison.Ordinal))
        {
            return true;
        }

        var match = StatusCounts().Match(statusLine);
        return match.Success
            && long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out total)
            && long.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out active);
    }

    // procfs reads blocks, percentage, finish and speed and rejects the file if any is missing; only blocks is used.
    private static bool TryParseProgress(string line, out long synced)
    {
        synced = 0;
        var blocks = ProgressBlocks().Match(line);
        return blocks.Success
            && long.TryParse(blocks.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out synced)
            && long.TryParse(blocks.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && IsFloat(ProgressPercent().Match(line), trim: true)
            && IsFloat(ProgressFinish().Match(line), trim: false)
            && IsFloat(ProgressSpeed().Match(line), trim: false);
    }

    private static bool IsFloat(Match match, bool trim) =>
        match.Success && double.TryParse(trim ? match.Groups[1].Value.Trim() : match.Groups[1].Value,
            NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _);

    private static long Count(string text, string what)
    {
        long count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex(@"\d+ blocks .*\[(\d+)/(\d+)\] \[[U_]+\]", RegexOptions.CultureInvariant)]
    private static partial Regex StatusCounts();

    [GeneratedRegex(@"\((\d+)/(\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex ProgressBlocks();

    [GeneratedRegex("= (.+)%", RegexOptions.CultureInvariant)]
    private static partial Regex ProgressPercent();

    [GeneratedRegex("finish=(.+)min", RegexOptions.CultureInvariant)]
    private static partial Regex ProgressFinish();

    [GeneratedRegex("speed=(.+)[A-Z]", RegexOptions.CultureInvariant)]
    private static partial Regex ProgressSpeed();
}
