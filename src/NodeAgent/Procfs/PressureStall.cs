namespace NodeAgent.Procfs;

/// <summary>One line of a <c>/proc/pressure/&lt;resource&gt;</c> file (Documentation/accounting/psi.rst); the total is
/// in microseconds.</summary>
internal readonly record struct PressureLine(double Avg10, double Avg60, double Avg300, ulong TotalMicroseconds);

/// <summary>
/// A PSI file as prometheus/procfs' <c>parsePSIStats</c> reads it: the <c>some</c> and <c>full</c> lines in the
/// fixed <c>avg10=… avg60=… avg300=… total=…</c> layout, other prefixes ignored (future line types), a malformed
/// <c>some</c>/<c>full</c> line an error. Either line may be absent: irq has only <c>full</c>, old kernels' cpu only
/// <c>some</c>.
/// </summary>
internal readonly record struct PressureStall(PressureLine? Some, PressureLine? Full)
{
    public static bool TryParse(ReadOnlySpan<byte> content, out PressureStall stall)
    {
        stall = default;
        PressureLine? some = null, full = null;
        Span<Range> fields = stackalloc Range[6];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var prefixEnd = line.IndexOf((byte)' ');
            var prefix = prefixEnd < 0 ? line : line[..prefixEnd];
            var isSome = prefix.SequenceEqual("some"u8);
            if (!isSome && !prefix.SequenceEqual("full"u8))
            {
                continue;
            }

            if (AsciiFields.Split(line, fields) < 5
                || !TryValue(line[fields[1]], "avg10="u8, out var avg10)
                || !TryValue(line[fields[2]], "avg60="u8, out var avg60)
                || !TryValue(line[fields[3]], "avg300="u8, out var avg300)
                || !line[fields[4]].StartsWith("total="u8)
                || !AsciiFields.TryParseUInt64(line[fields[4]]["total="u8.Length..], out var total))
            {
                return false;
            }

            var parsed = new PressureLine(avg10, avg60, avg300, total);
            if (isSome)
            {
                some = parsed;
            }
            else
            {
                full = parsed;
            }
        }

        stall = new PressureStall(some, full);
        return true;
    }

    private static bool TryValue(ReadOnlySpan<byte> field, ReadOnlySpan<byte> name, out double value)
    {
        value = 0;
        return field.StartsWith(name) && AsciiFields.TryParseFloat(field[name.Length..], out value);
    }
}
