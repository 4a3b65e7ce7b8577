using System.Globalization;
using System.Text;

namespace NodeAgent.Sysfs;

/// <summary>
/// A hwmon attribute file name split as node_exporter splits it, <c>&lt;type&gt;&lt;number&gt;_&lt;property&gt;</c>
/// (its regular expression <c>^([^0-9]+)([0-9]*)?(_(.+))?$</c>, leftmost-first): <c>temp1_crit_alarm</c> is
/// (temp, 1, crit_alarm), <c>beep_enable</c> is (beep_enable, 0, ""), <c>temp</c> in a thermal zone is (temp, 0, "").
/// Kernel doc: Documentation/hwmon/sysfs-interface.rst.
/// </summary>
internal readonly record struct HwmonFileName(string Type, long Number, string Property)
{
    /// <summary>The sensor key node_exporter groups attributes by: type and number without leading zeros.</summary>
    public string Sensor => Type + Number.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string fileName, out HwmonFileName name)
    {
        name = default;
        var prefix = 0;
        while (prefix < fileName.Length && !char.IsAsciiDigit(fileName[prefix]))
        {
            prefix++;
        }

        if (prefix == 0)
        {
            return false;
        }

        // The type is as long as possible: first the whole non-digit prefix followed by digits and then either the
        // end or "_property"; failing that, the longest shorter type followed directly by "_property".
        var digits = prefix;
        while (digits < fileName.Length && char.IsAsciiDigit(fileName[digits]))
        {
            digits++;
        }

        if (digits == fileName.Length || (fileName[digits] == '_' && digits + 1 < fileName.Length))
        {
            long number = 0;
            if (digits > prefix && !long.TryParse(fileName.AsSpan(prefix, digits - prefix), NumberStyles.None, CultureInfo.InvariantCulture, out number))
            {
                return false;
            }

            name = new HwmonFileName(fileName[..prefix], number, digits == fileName.Length ? "" : fileName[(digits + 1)..]);
            return true;
        }

        for (var type = prefix - 1; type > 0; type--)
        {
            if (fileName[type] == '_' && type + 1 < fileName.Length)
            {
                name = new HwmonFileName(fileName[..type], 0, fileName[(type + 1)..]);
                return true;
            }
        }

        return false;
    }

    /// <summary>node_exporter's cleanMetricName: lower case, every character outside [a-z0-9:_] replaced by '_',
    /// leading and trailing '_' removed.</summary>
    public static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var lower = Rune.ToLowerInvariant(rune);
            var keep = lower.IsAscii && (char.IsAsciiLetterLower((char)lower.Value) || char.IsAsciiDigit((char)lower.Value)
                || lower.Value == ':' || lower.Value == '_');
            builder.Append(keep ? (char)lower.Value : '_');
        }

        return builder.ToString().Trim('_');
    }

    /// <summary>Go's <c>strconv.ParseFloat(s, 64)</c> for the decimal forms sysfs writes, plus inf/nan; no
    /// surrounding whitespace (node_exporter only strips newlines, so "42 " does not parse).</summary>
    public static bool TryParseFloat(string text, out double value)
    {
        value = 0;
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return false;
        }

        var unsigned = text.AsSpan().TrimStart("+-");
        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return text.Length - unsigned.Length <= 1;
        }

        if (unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return text.Length == unsigned.Length;
        }

        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value);
    }
}
