using System.Globalization;
using System.Text;

namespace NodeAgent.Telemetry;

/// <summary>
/// Formats a sample value exactly as Go's <c>strconv.FormatFloat(v, 'g', -1, 64)</c>, which node_exporter's
/// exposition uses: shortest round-trip digits, exponent form when the decimal exponent is below -4 or at least 6
/// (<c>1.6777216e+10</c>, <c>100000</c>, <c>1e-05</c>). Matching it keeps our output byte-comparable. Writes UTF-8
/// straight into the destination: a scrape formats thousands of values.
/// </summary>
internal static class GoFloat
{
    /// <summary>Enough for any double: sign, 17 digits, point, "e-308".</summary>
    public const int MaxLength = 32;

    public static string Format(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(buffer[..Format(value, buffer)]);
    }

    public static int Format(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("NaN"u8, destination);
        }

        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "+Inf"u8 : "-Inf"u8, destination);
        }

        // Most samples are small integers (counts, bytes below 1e6): print them directly.
        if (value == Math.Floor(value) && Math.Abs(value) < 1e6 && !(value == 0 && double.IsNegative(value)))
        {
            ((long)value).TryFormat(destination, out var integerLength, default, CultureInfo.InvariantCulture);
            return integerLength;
        }

        // .NET's "R" is the shortest round-trip form ("1.234E+15", "0.0001"): take its digits and decimal exponent.
        Span<byte> shortest = stackalloc byte[MaxLength];
        Math.Abs(value).TryFormat(shortest, out var length, "R", CultureInfo.InvariantCulture);
        Span<byte> digits = stackalloc byte[MaxLength];
        var (digitCount, exponent) = Decompose(shortest[..length], digits);
        digits = digits[..digitCount];

        var n = 0;
        if (value < 0 || (value == 0 && double.IsNegative(value)))
        {
            destination[n++] = (byte)'-';
        }

        if (exponent < -4 || exponent >= 6)
        {
            destination[n++] = digits[0];
            if (digits.Length > 1)
            {
                destination[n++] = (byte)'.';
                digits[1..].CopyTo(destination[n..]);
                n += digits.Length - 1;
            }

            destination[n++] = (byte)'e';
            destination[n++] = exponent < 0 ? (byte)'-' : (byte)'+';
            var magnitude = Math.Abs(exponent);
            if (magnitude < 10)
            {
                destination[n++] = (byte)'0';
            }

            magnitude.TryFormat(destination[n..], out var exponentLength, default, CultureInfo.InvariantCulture);
            return n + exponentLength;
        }

        // Fixed notation: the point sits after (exponent + 1) digits.
        var pointAt = exponent + 1;
        if (pointAt <= 0)
        {
            destination[n++] = (byte)'0';
            destination[n++] = (byte)'.';
            destination.Slice(n, -pointAt).Fill((byte)'0');
            n += -pointAt;
            digits.CopyTo(destination[n..]);
            return n + digits.Length;
        }

        if (pointAt >= digits.Length)
        {
            digits.CopyTo(destination[n..]);
            n += digits.Length;
            destination.Slice(n, pointAt - digits.Length).Fill((byte)'0');
            return n + pointAt - digits.Length;
        }

        digits[..pointAt].CopyTo(destination[n..]);
        n += pointAt;
        destination[n++] = (byte)'.';
        digits[pointAt..].CopyTo(destination[n..]);
        return n + digits.Length - pointAt;
    }

    /// <summary>Splits "1.234E+15" or "0.00012" into significant digits ("1234", "12") and the decimal exponent of the
    /// first significant digit (15, -4).</summary>
    private static (int DigitCount, int Exponent) Decompose(ReadOnlySpan<byte> shortest, Span<byte> digits)
    {
        var e = shortest.IndexOf((byte)'E');
        var mantissa = e < 0 ? shortest : shortest[..e];
        var exponent = 0;
        if (e >= 0)
        {
            int.TryParse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent);
        }

        var count = 0;
        var integerDigits = 0;
        var seenPoint = false;
        var leadingZeros = 0;
        foreach (var c in mantissa)
        {
            if (c == (byte)'.')
            {
                seenPoint = true;
                continue;
            }

            if (!seenPoint)
            {
                integerDigits++;
            }

            if (count == 0 && c == (byte)'0')
            {
                leadingZeros++;
                continue;
            }

            digits[count++] = c;
        }

        while (count > 1 && digits[count - 1] == (byte)'0')
        {
            count--;
        }

        if (count == 0)
        {
            digits[0] = (byte)'0';
            return (1, 0);
        }

        return (count, integerDigits - 1 - leadingZeros + exponent);
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
