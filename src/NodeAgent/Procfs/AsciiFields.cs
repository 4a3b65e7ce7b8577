using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// Go's <c>strings.Fields</c> and <c>bufio.Scanner</c> line splitting over bytes, which the procfs parsers are built on:
/// fields are separated by runs of ASCII whitespace, lines by <c>\n</c>.
/// </summary>
internal static class AsciiFields
{
    /// <summary>Splits <paramref name="line"/> into at most <c>fields.Length</c> fields; returns how many there are in
    /// total (which may be more than were stored).</summary>
    public static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && IsBlank(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            var start = i;
            while (i < line.Length && !IsBlank(line[i]))
            {
                i++;
            }

            if (count < fields.Length)
            {
                fields[count] = start..i;
            }

            count++;
        }

        return count;
    }

    /// <summary>The next line of <paramref name="rest"/> without its <c>\n</c>; false when nothing is left. A final
    /// line without a newline is still a line; the empty remainder after a final newline is not.</summary>
    public static bool NextLine(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> line)
    {
        if (rest.IsEmpty)
        {
            line = default;
            return false;
        }

        var end = rest.IndexOf((byte)'\n');
        if (end < 0)
        {
            line = rest;
            rest = default;
        }
        else
        {
            line = rest[..end];
            rest = rest[(end + 1)..];
        }

        return true;
    }

    /// <summary>The next whitespace-separated field of <paramref name="rest"/>, which is advanced past it; false when
    /// only whitespace is left. Walking a line field by field needs no array of ranges however long the line is.</summary>
    public static bool NextField(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        var start = 0;
        while (start < rest.Length && IsBlank(rest[start]))
        {
            start++;
        }

        var end = start;
        while (end < rest.Length && !IsBlank(rest[end]))
        {
            end++;
        }

        field = rest[start..end];
        rest = rest[end..];
        return !field.IsEmpty;
    }

    /// <summary>Go's <c>strconv.ParseUint(s, 10, 64)</c>: digits only, the whole span.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value) =>
        Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length && text.Length > 0 && text[0] != '+' && text[0] != '-';

    /// <summary>
    /// Go's <c>strconv.ParseFloat(s, 64)</c> for the decimal forms the kernel and the text format use: an optional
    /// sign, digits with an optional point and exponent, or <c>inf</c>/<c>infinity</c> (any case, optional sign) and
    /// <c>nan</c> (any case). Like Go, a finite literal that overflows is an error, not an infinity.
    /// </summary>
    public static bool TryParseFloat(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        var unsigned = text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(text, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        var digits = 0;
        foreach (var c in text)
        {
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                digits++;
            }
            else if (c is not ((byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-'))
            {
                return false;
            }
        }

        return digits > 0
            && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
