using System.Globalization;

namespace NodeAgent.Parsing;

/// <summary>
/// The time at the start of a plain line, as the two prefixes a node's own log files carry: an RFC 3339 date-time
/// with a zone (rsyslog's and syslog-ng's ISO formats, Debian 12's default for <c>/var/log/syslog</c>, journald's
/// <c>short-iso</c>, most applications), and the BSD syslog stamp <c>Mmm dd HH:MM:SS</c> of RFC 3164 (the older
/// default of rsyslog and of many distributions). Anything else has no time the agent can trust, and the caller
/// uses the time the line was read.
/// </summary>
internal static class PlainTimestamp
{
    /// <summary>Room for any timestamp written here: the longest RFC 3339 text taken (<see cref="CriParser.MaxTimestampLength"/>).</summary>
    public const int MaxLength = CriParser.MaxTimestampLength;

    private const int SyslogLength = 15; // "Mmm dd HH:MM:SS"

    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>
    /// Writes the timestamp of <paramref name="line"/> as RFC 3339 text into <paramref name="destination"/> (at least
    /// <see cref="MaxLength"/> bytes) and returns its length, or 0 when the line starts with neither prefix.
    /// </summary>
    /// <param name="readTime">When the line was read: a syslog stamp has no year, so it gets the year that puts it
    /// at most a day after this (a line stamped 31 December and read on 1 January is from the year before).</param>
    /// <param name="zone">The zone a syslog stamp is in: it carries none, and syslog daemons write the host's local
    /// time.</param>
    public static int TryWrite(ReadOnlySpan<byte> line, DateTimeOffset readTime, TimeZoneInfo zone, Span<byte> destination)
    {
        // An RFC 3339 prefix ends at the first space (or is the whole line); it is kept as written, nanoseconds and
        // offset included, as runtime timestamps are.
        var space = line.IndexOf((byte)' ');
        var first = space < 0 ? line : line[..space];
        if (first.Length is >= 20 and <= MaxLength && CriParser.IsTimestamp(first))
        {
            first.CopyTo(destination);
            return first.Length;
        }

        return TrySyslog(line, readTime, zone, out var utc)
            && utc.TryFormat(destination, out var written, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            ? written
            : 0;
    }

    private static bool TrySyslog(ReadOnlySpan<byte> line, DateTimeOffset readTime, TimeZoneInfo zone, out DateTime utc)
    {
        utc = default;
        if (line.Length < SyslogLength || (line.Length > SyslogLength && line[SyslogLength] != ' ')
            || line[3] != ' ' || line[6] != ' ' || line[9] != ':' || line[12] != ':')
        {
            return false;
        }

        var month = MonthOf(line[..3]);
        // The day is space-padded ("Dec  8"), as RFC 3164 writes it; a zero-padded one is taken too.
        var day = line[4] == ' ' ? Digit(line[5]) : Two(line.Slice(4, 2));
        var hour = Two(line.Slice(7, 2));
        var minute = Two(line.Slice(10, 2));
        var second = Two(line.Slice(13, 2));
        if (month < 1 || day is < 1 or > 31 || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return false;
        }

        var localNow = TimeZoneInfo.ConvertTime(readTime, zone);
        var year = localNow.Year;
        if (day > DateTime.DaysInMonth(year, month) && day > DateTime.DaysInMonth(year - 1, month))
        {
            return false;
        }

        if (day > DateTime.DaysInMonth(year, month) || new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified) > localNow.DateTime.AddDays(1))
        {
            year--;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        // A local time that a clock change skipped or repeated still gets one offset: the zone's for that instant.
        utc = local - zone.GetUtcOffset(local);
        return true;
    }

    private static int MonthOf(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < 12; i++)
        {
            if (Months.Slice(i * 3, 3).SequenceEqual(name))
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static int Digit(byte b) => char.IsAsciiDigit((char)b) ? b - '0' : -100;

    private static int Two(ReadOnlySpan<byte> text) => (Digit(text[0]) * 10) + Digit(text[1]);
}
