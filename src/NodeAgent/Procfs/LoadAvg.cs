namespace NodeAgent.Procfs;

/// <summary>The three load averages at the start of <c>/proc/loadavg</c> (proc(5)), parsed as node_exporter's
/// <c>parseLoad</c> does: whitespace-separated, at least three fields, each a float.</summary>
internal readonly record struct LoadAvg(double Load1, double Load5, double Load15)
{
    public static bool TryParse(ReadOnlySpan<byte> content, out LoadAvg load)
    {
        load = default;
        Span<Range> fields = stackalloc Range[3];
        if (AsciiFields.Split(content, fields) < 3
            || !AsciiFields.TryParseFloat(content[fields[0]], out var one)
            || !AsciiFields.TryParseFloat(content[fields[1]], out var five)
            || !AsciiFields.TryParseFloat(content[fields[2]], out var fifteen))
        {
            return false;
        }

        load = new LoadAvg(one, five, fifteen);
        return true;
    }
}
