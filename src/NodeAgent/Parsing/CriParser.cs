using NodeAgent.Delivery;

namespace NodeAgent.Parsing;

/// <summary>One CRI log line cut into its fields; the ranges index the line that was parsed.</summary>
/// <param name="Partial">The first tag is <c>P</c>: the message continues in the next line of the same stream.</param>
internal readonly record struct CriLine(Range Timestamp, LogStream Stream, bool Partial, Range Message);

/// <summary>
/// The CRI container log format that kubelet defines and containerd and CRI-O write
/// (kubernetes pkg/kubelet/kuberuntime/logs, cri-api LogTag*):
/// <c>&lt;RFC 3339 timestamp&gt; &lt;stdout|stderr&gt; &lt;tags&gt; &lt;message&gt;</c>, one space between fields. The
/// tag field holds ':'-separated tags of which the first is <c>P</c> (partial: the runtime cut the line, at 16 KiB by
/// default, or the output ended without a newline) or <c>F</c> (full: the last piece); later tags are for forward
/// compatibility and ignored, as kubelet does. The message is everything after the tag field's space and may be
/// empty; the runtime has already removed the line's own newline.
/// </summary>
internal static class CriParser
{
    /// <summary><c>YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+HH:MM</c>, the longest timestamp <see cref="IsTimestamp"/> accepts.</summary>
    public const int MaxTimestampLength = 35;

    /// <summary>
    /// False for a line that does not follow the format (no timestamp, a timestamp that is not RFC 3339, a stream other
    /// than stdout/stderr, a first tag other than P/F): the caller keeps such a line whole, flagged malformed.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out CriLine result)
    {
        result = default;
        var space = line.IndexOf((byte)' ');
        if (space < 0 || !IsTimestamp(line[..space]))
        {
            return false;
        }

        var timestamp = new Range(0, space);
        var position = space + 1;

        space = line[position..].IndexOf((byte)' ');
        if (space < 0)
        {
            return false;
        }

        var streamName = line.Slice(position, space);
        LogStream stream;
        if (streamName.SequenceEqual("stdout"u8))
        {
            stream = LogStream.Stdout;
        }
        else if (streamName.SequenceEqual("stderr"u8))
        {
            stream = LogStream.Stderr;
        }
        else
        {
            return false;
        }

        position += space + 1;

        // containerd and CRI-O always write the space after the tags, even before an empty message. A line that ends
        // right after the tags is accepted as an empty message (kubelet rejects it): the fields that matter are
        // all there, and shipping it as malformed would only be noisier.
        space = line[position..].IndexOf((byte)' ');
        var tags = space < 0 ? line[position..] : line.Slice(position, space);
        var colon = tags.IndexOf((byte)':');
        var first = colon < 0 ? tags : tags[..colon];
        bool partial;
        if (first.SequenceEqual("P"u8))
        {
            partial = true;
        }
        else if (first.SequenceEqual("F"u8))
        {
            partial = false;
        }
        else
        {
            return false;
        }

        var messageStart = space < 0 ? line.Length : position + space + 1;
        result = new CriLine(timestamp, stream, partial, new Range(messageStart, line.Length));
        return true;
    }

    /// <summary>
    /// RFC 3339 date-time as container runtimes write it: <c>YYYY-MM-DDTHH:MM:SS</c>, an optional fraction of 1 to 9
    /// digits (containerd and docker use Go's RFC3339Nano, which drops trailing zeros; CRI-O always writes 9), then
    /// <c>Z</c> or a <c>±HH:MM</c> offset (the runtime's local zone). Only the syntax and field ranges are checked:
    /// the text is shipped as written, so its nanoseconds are kept.
    /// </summary>
    public static bool IsTimestamp(ReadOnlySpan<byte> text)
    {
        if (text.Length is < 20 or > MaxTimestampLength
            || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !Digits(text[..4], out _)
            || !Digits(text.Slice(5, 2), out var month) || month is < 1 or > 12
            || !Digits(text.Slice(8, 2), out var day) || day is < 1 or > 31
            || !Digits(text.Slice(11, 2), out var hour) || hour > 23
            || !Digits(text.Slice(14, 2), out var minute) || minute > 59
            || !Digits(text.Slice(17, 2), out var second) || second > 60)
        {
            return false;
        }

        var zone = text[19..];
        if (zone[0] == '.')
        {
            var digits = 1;
            while (digits < zone.Length && char.IsAsciiDigit((char)zone[digits]))
            {
                digits++;
            }

            if (digits is 1 or > 10)
            {
                return false;
            }

            zone = zone[digits..];
        }

        if (zone.Length == 1)
        {
            return zone[0] == 'Z';
        }

        return zone.Length == 6 && zone[0] is (byte)'+' or (byte)'-' && zone[3] == ':'
            && Digits(zone.Slice(1, 2), out var offsetHours) && offsetHours <= 23
            && Digits(zone.Slice(4, 2), out var offsetMinutes) && offsetMinutes <= 59;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
