using System.Globalization;
using System.Net;

namespace NodeAgent.Hosting;

/// <summary>Parsers for the human units the contract promises: durations (<c>500ms</c>, <c>1m30s</c>,
/// <c>00:00:01</c>) and sizes (<c>512KiB</c>, <c>5MiB</c>, plain bytes). Pure: text in, value or null out.</summary>
internal static class ConfigValues
{
    public const string DurationExpected = "a duration such as 500ms, 1s, 5m, 1h30m or 00:00:01";
    public const string SizeExpected = "a size such as 1048576, 512KiB, 5MiB or 1GiB";
    public const string BoolExpected = "true or false";
    public const string ListenExpected = "host:port, such as 0.0.0.0:9100, [::]:9100 or 127.0.0.1:9100";

    public static TimeSpan? ParseDuration(string text)
    {
        var s = text.Trim();
        if (s.Length == 0)
        {
            return null;
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts) && ts >= TimeSpan.Zero ? ts : null;
        }

        // Go-style sequence of <number><unit>, as Prometheus and Kubernetes users write durations.
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            double? unitTicks = s[unitStart..i].ToLowerInvariant() switch
            {
                "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => null,
            };
            if (unitTicks is null)
            {
                return null;
            }

            total += TimeSpan.FromTicks((long)(number * unitTicks.Value));
        }

        return total;
    }

    public static long? ParseSize(string text)
    {
        var s = text.Trim();
        var i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
        {
            i++;
        }

        if (i == 0 || !double.TryParse(s.AsSpan(0, i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        long? multiplier = s[i..].Trim() switch
        {
            "" or "B" => 1,
            "KB" or "kB" => 1000,
            "KiB" or "Ki" => 1L << 10,
            "MB" => 1000 * 1000,
            "MiB" or "Mi" => 1L << 20,
            "GB" => 1000 * 1000 * 1000,
            "GiB" or "Gi" => 1L << 30,
            _ => null,
        };
        if (multiplier is null)
        {
            return null;
        }

        var bytes = number * multiplier.Value;
        return bytes is >= 0 and <= long.MaxValue && bytes == Math.Floor(bytes) ? (long)bytes : null;
    }

    public static bool? ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    public static IPEndPoint? ParseListenAddress(string text)
    {
        var s = text.Trim();
        var colon = s.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(s.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return null;
        }

        var host = s[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (host is "*" or "+")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : null;
    }

    public static string FormatDuration(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        }

        var seconds = (long)value.TotalSeconds;
        return seconds % 3600 == 0 && seconds != 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 && seconds != 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }

    public static string FormatSize(long bytes) =>
        bytes != 0 && bytes % (1L << 30) == 0 ? $"{bytes >> 30}GiB"
        : bytes != 0 && bytes % (1L << 20) == 0 ? $"{bytes >> 20}MiB"
        : bytes != 0 && bytes % (1L << 10) == 0 ? $"{bytes >> 10}KiB"
        : bytes.ToString(CultureInfo.InvariantCulture);
}
