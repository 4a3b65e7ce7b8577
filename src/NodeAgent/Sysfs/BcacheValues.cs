using System.Globalization;
using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Sysfs;

/// <summary>What a backing device's <c>writeback_rate_debug</c> says (drivers/md/bcache/sysfs.c).</summary>
internal readonly record struct BcacheWritebackRate(ulong Rate, ulong Dirty, ulong Target, long Proportional, long Integral, long Change);

/// <summary>
/// The values bcache writes under <c>/sys/fs/bcache</c>, read as prometheus/procfs's bcache package reads them. Sizes
/// and rates are printed by the kernel's <c>bch_hprint</c>: an integer, or an integer, a point, a fraction in 1/1024ths
/// printed as a decimal number (so ".1" and ".10" differ and ".10" is more than ".9") and a power-of-1024 suffix
/// (<c>k M G T P E Z Y</c>). Anything that does not parse throws <see cref="InvalidDataException"/>.
/// </summary>
internal static class BcacheValues
{
    /// <summary>A <c>bch_hprint</c> value in whole units: "20.4G" → 21,894,266,880, "13" → 13.</summary>
    public static ulong Dehumanize(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            throw new InvalidDataException("empty value");
        }

        double mantissa, multiplier = 1;
        if (text[^1] > (byte)'9')
        {
            // An unknown suffix multiplies by zero, as in procfs.
            multiplier = text[^1] switch
            {
                (byte)'k' => Math.Pow(2, 10),
                (byte)'M' => Math.Pow(2, 20),
                (byte)'G' => Math.Pow(2, 30),
                (byte)'T' => Math.Pow(2, 40),
                (byte)'P' => Math.Pow(2, 50),
                (byte)'E' => Math.Pow(2, 60),
                (byte)'Z' => Math.Pow(2, 70),
                (byte)'Y' => Math.Pow(2, 80),
                _ => 0,
            };
            mantissa = PseudoFloat(text[..^1]);
        }
        else if (!AsciiFields.TryParseFloat(text, out mantissa))
        {
            throw new InvalidDataException($"'{Encoding.UTF8.GetString(text)}' is not a number");
        }

        return (ulong)(mantissa * multiplier);
    }

    /// <summary><see cref="Dehumanize"/> with an optional leading minus.</summary>
    public static long DehumanizeSigned(ReadOnlySpan<byte> text) =>
        text.StartsWith("-"u8) ? -(long)Dehumanize(text[1..]) : (long)Dehumanize(text);

    /// <summary>A one-value attribute as procfs reads it: the last byte (the newline) dropped, the rest dehumanized.</summary>
    public static ulong Attribute(ReadOnlySpan<byte> content) =>
        content.IsEmpty ? throw new InvalidDataException("empty attribute") : Dehumanize(content[..^1]);

    /// <summary><c>writeback_rate_debug</c>: "rate: 1.1M/sec", "dirty: 20.4G", "target: 20.4G", "proportional: 427.5k",
    /// "integral: -790.0k", "change: 321.5k/sec", "next io: 17ms"; each value is the line's last field.</summary>
    public static BcacheWritebackRate WritebackRate(ReadOnlySpan<byte> content)
    {
        var rate = new BcacheWritebackRate();
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var value = LastField(line);
            if (line.StartsWith("rate:"u8))
            {
                rate = rate with { Rate = Dehumanize(Without(value, "/sec"u8)) };
            }
            else if (line.StartsWith("dirty:"u8))
            {
                rate = rate with { Dirty = Dehumanize(value) };
            }
            else if (line.StartsWith("target:"u8))
            {
                rate = rate with { Target = Dehumanize(value) };
            }
            else if (line.StartsWith("proportional:"u8))
            {
                rate = rate with { Proportional = DehumanizeSigned(value) };
            }
            else if (line.StartsWith("integral:"u8))
            {
                rate = rate with { Integral = DehumanizeSigned(value) };
            }
            else if (line.StartsWith("change:"u8))
            {
                rate = rate with { Change = DehumanizeSigned(Without(value, "/sec"u8)) };
            }
            else if (line.StartsWith("next io:"u8) && !long.TryParse(Without(value, "ms"u8), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                throw new InvalidDataException($"'{Encoding.UTF8.GetString(line)}': not a number of milliseconds");
            }
        }

        return rate;
    }

    /// <summary>A cache device's <c>priority_stats</c>: the <c>Unused:</c> and <c>Metadata:</c> percentages.</summary>
    public static (ulong UnusedPercent, ulong MetadataPercent) PriorityStats(ReadOnlySpan<byte> content)
    {
        ulong unused = 0, metadata = 0;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            if (line.StartsWith("Unused:"u8))
            {
                unused = Percent(line);
            }
            else if (line.StartsWith("Metadata:"u8))
            {
                metadata = Percent(line);
            }
        }

        return (unused, metadata);
    }

    private static ulong Percent(ReadOnlySpan<byte> line) =>
        AsciiFields.TryParseUInt64(Without(LastField(line), "%"u8), out var value) ? value
            : throw new InvalidDataException($"'{Encoding.UTF8.GetString(line)}': not a percentage");

    // bch_hprint's "int.frac": the fraction is in 1/1024ths printed as a decimal integer; 10.24 puts it back in place.
    private static double PseudoFloat(ReadOnlySpan<byte> text)
    {
        var dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        if (!AsciiFields.TryParseFloat(whole, out var value))
        {
            throw new InvalidDataException($"'{Encoding.UTF8.GetString(text)}' is not a number");
        }

        if (dot < 0)
        {
            return value;
        }

        var rest = text[(dot + 1)..];
        var fraction = rest.IndexOf((byte)'.') is var next and >= 0 ? rest[..next] : rest;
        return AsciiFields.TryParseFloat(fraction, out var part) ? value + (part / 10.24)
            : throw new InvalidDataException($"'{Encoding.UTF8.GetString(text)}' is not a number");
    }

    private static ReadOnlySpan<byte> LastField(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd(" \t\r"u8);
        var start = line.LastIndexOfAny(" \t"u8);
        return line[(start + 1)..];
    }

    private static ReadOnlySpan<byte> Without(ReadOnlySpan<byte> value, ReadOnlySpan<byte> suffix) =>
        value.EndsWith(suffix) ? value[..^suffix.Length] : value;
}
