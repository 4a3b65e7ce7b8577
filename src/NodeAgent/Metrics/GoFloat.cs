using System.Globalization;

namespace NodeAgent.Metrics;

/// <summary>
/// Formats a sample value exactly as Go's <c>strconv.FormatFloat(v, 'g', -1, 64)</c>, which node_exporter's
/// exposition uses: shortest round-trip digits, exponent form when the exponent is below -4 or at least 6
/// (<c>1.6777216e+10</c>, <c>100000</c>, <c>1e-05</c>). Matching it keeps our output byte-comparable.
/// </summary>
internal static class GoFloat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // .NET's "R" is the shortest round-trip form; take its digits and decimal exponent and lay them out as Go does.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var (digits, exponent) = Decompose(shortest);
        var sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 6)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var expSign = exponent < 0 ? "-" : "+";
            var expDigits = Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
            return $"{sign}{mantissa}e{expSign}{expDigits}";
        }

        // Fixed notation: the point sits after (exponent + 1) digits.
        var pointAt = exponent + 1;
        string text;
        if (pointAt <= 0)
        {
            text = "0." + new string('0', -pointAt) + digits;
        }
        else if (pointAt >= digits.Length)
        {
            text = digits + new string('0', pointAt - digits.Length);
        }
        else
        {
            text = digits[..pointAt] + "." + digits[pointAt..];
        }

        return sign + text;
    }

    /// <summary>Splits "1.234E+15" or "0.00012" into significant digits ("1234", "12") and the decimal exponent of the
    /// first digit (15, -4).</summary>
    private static (string Digits, int Exponent) Decompose(string shortest)
    {
        var e = shortest.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? shortest : shortest[..e];
        var exponent = e < 0 ? 0 : int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point < 0 ? mantissa : mantissa[..point];
        var fraction = point < 0 ? "" : mantissa[(point + 1)..];
        var all = integerPart + fraction;
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        // Exponent of the first significant digit: position of the point relative to it.
        var firstDigitExponent = integerPart.Length - 1 - leadingZeros + exponent;
        return (digits.Length == 0 ? "0" : digits, firstDigitExponent);
    }
}
