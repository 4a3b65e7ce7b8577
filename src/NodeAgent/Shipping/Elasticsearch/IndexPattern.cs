using System.Globalization;
using System.Text;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// <c>Elasticsearch:Index</c> with a date pattern, as Beats and Logstash write it: <c>app-logs-%{+yyyy.MM.dd}</c>. The
/// date is the document's own <c>@timestamp</c> (in UTC), never the time of sending: a line sent again after midnight
/// (a retry, a replay after a restart) goes to the same index as the first time, where its <c>_id</c> makes it a 409
/// rather than a second copy in the next day's index.
/// </summary>
internal sealed class IndexPattern
{
    private readonly string _prefix;
    private readonly string _format;
    private readonly string _suffix;

    // The last day seen and its index name, UTF-8: lines come in time order, so nearly every document hits it.
    private DateOnly _cachedDay;
    private byte[] _cachedName = [];

    private IndexPattern(string prefix, string format, string suffix)
    {
        _prefix = prefix;
        _format = format;
        _suffix = suffix;
    }

    /// <summary>The pattern in <paramref name="index"/>, or null for a plain name.</summary>
    public static IndexPattern? TryParse(string? index)
    {
        var start = index?.IndexOf("%{+", StringComparison.Ordinal) ?? -1;
        if (index is null || start < 0)
        {
            return null;
        }

        var end = index.IndexOf('}', start);
        return end < 0 ? null : new IndexPattern(index[..start], index[(start + 3)..end], index[(end + 1)..]);
    }

    /// <summary>The index for a document with this RFC 3339 timestamp (ASCII); the current UTC day when it has none.</summary>
    public ReadOnlySpan<byte> Resolve(ReadOnlySpan<byte> timestamp, DateTimeOffset now)
    {
        var day = DateOnly.FromDateTime(Parse(timestamp) ?? now.UtcDateTime);
        lock (this)
        {
            if (day != _cachedDay || _cachedName.Length == 0)
            {
                var date = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                _cachedName = Encoding.UTF8.GetBytes(_prefix + date.ToString(_format, CultureInfo.InvariantCulture) + _suffix);
                _cachedDay = day;
            }

            return _cachedName;
        }
    }

    private static DateTime? Parse(ReadOnlySpan<byte> timestamp)
    {
        // The common case, a UTC timestamp ("...Z"): its date is its first ten characters.
        if (timestamp.Length >= 11 && timestamp[^1] == (byte)'Z'
            && int.TryParse(timestamp[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(timestamp.Slice(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            && int.TryParse(timestamp.Slice(8, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var dayOfMonth)
            && month is >= 1 and <= 12 && dayOfMonth >= 1 && dayOfMonth <= DateTime.DaysInMonth(year is >= 1 and <= 9999 ? year : 2000, month))
        {
            return new DateTime(year, month, dayOfMonth, 0, 0, 0, DateTimeKind.Utc);
        }

        return DateTimeOffset.TryParse(Encoding.ASCII.GetString(timestamp), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime : null;
    }
}
