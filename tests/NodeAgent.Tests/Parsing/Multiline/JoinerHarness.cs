using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>
/// Feeds lines to a <see cref="MultilineJoiner"/> as the reading loop would: each line a record of its own, laid out
/// one after another in a CRI file (a 40-byte header before each message, a newline after it), with its own
/// timestamp; remembers where each line was so a test can say which records it expects.
/// </summary>
internal sealed class JoinerHarness : IDisposable
{
    /// <summary>The bytes of "2026-03-14T09:00:00.000000001Z stdout F " before each message.</summary>
    public const int HeaderBytes = 40;

    private readonly List<LogRecord> _records = [];
    private readonly List<Fed> _fed = [];
    private long _offset;

    public JoinerHarness(MultilineRule rule, int maxMessageBytes = 1 << 20, TimeSpan? flushTimeout = null)
    {
        Joiner = new MultilineJoiner(rule, maxMessageBytes, flushTimeout ?? MultilineJoiner.DefaultFlushTimeout);
    }

    public MultilineJoiner Joiner { get; }

    /// <summary>What the joiner has emitted so far.</summary>
    public IReadOnlyList<LogRecord> Records => _records;

    public List<ExpectedRecord> Emitted => [.. _records.Select(ExpectedRecord.From)];

    /// <summary>The lines fed so far, in order.</summary>
    public IReadOnlyList<Fed> Lines => _fed;

    public static string Timestamp(int index) => $"2026-03-14T09:00:00.{index:D9}Z";

    /// <summary>Feeds one line; returns its index among the lines fed.</summary>
    public int Feed(string line, LogStream stream = LogStream.Stdout, LogFlags flags = LogFlags.None) =>
        Feed(Encoding.UTF8.GetBytes(line), stream, flags);

    public int Feed(byte[] message, LogStream stream = LogStream.Stdout, LogFlags flags = LogFlags.None)
    {
        var index = _fed.Count;
        var start = _offset;
        var end = start + HeaderBytes + message.Length + 1;
        _offset = end;
        var fed = new Fed(index, Timestamp(index), stream, message, start, end, flags);
        _fed.Add(fed);
        Joiner.Add(new LogRecord(fed.Timestamp, stream, message, start, end, flags), _records);
        return index;
    }

    /// <summary>Feeds every line of <paramref name="text"/> (split at '\n'); returns the first line's index.</summary>
    public int FeedLines(string text, LogStream stream = LogStream.Stdout)
    {
        var first = _fed.Count;
        foreach (var line in text.Split('\n'))
        {
            Feed(line, stream);
        }

        return first;
    }

    public void FlushStale(DateTimeOffset now) => Joiner.FlushStale(now, _records);

    public List<ExpectedRecord> FlushAll()
    {
        Joiner.FlushAll(_records);
        return Emitted;
    }

    /// <summary>The record lines [first, last] joined would make, flags as given.</summary>
    public ExpectedRecord Joined(int first, int last, LogFlags flags = LogFlags.None)
    {
        var lines = _fed.Skip(first).Take(last - first + 1).ToList();
        var message = string.Join("\n", lines.Select(l => Encoding.UTF8.GetString(l.Message)));
        return new ExpectedRecord(lines[0].Timestamp, lines[0].Stream, message, lines[0].Start, lines[^1].End, flags);
    }

    /// <summary>The record one line makes on its own.</summary>
    public ExpectedRecord Single(int index) => Joined(index, index, _fed[index].Flags);

    public void Dispose() => Joiner.Dispose();

    public sealed record Fed(int Index, string Timestamp, LogStream Stream, byte[] Message, long Start, long End, LogFlags Flags);
}
