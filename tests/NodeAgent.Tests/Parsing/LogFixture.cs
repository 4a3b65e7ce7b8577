using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;
using NodeAgent.Tests.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Parsing;

/// <summary>A record in a comparable, readable shape: the message as text when it is UTF-8, else as base64.</summary>
internal readonly record struct ExpectedRecord(string Timestamp, LogStream Stream, string Message, long Start, long End, LogFlags Flags)
{
    public static ExpectedRecord From(LogRecord record) =>
        new(record.TimestampText, record.Stream, Show(record.Message.Span), record.StartOffset, record.EndOffset, record.Flags);

    public static string Show(ReadOnlySpan<byte> message) =>
        Utf8.IsValid(message) ? Encoding.UTF8.GetString(message) : "base64:" + Convert.ToBase64String(message);

    public override string ToString() => $"{Start}-{End} {Timestamp} {Stream} [{Flags}] {Message[..Math.Min(Message.Length, 120)]}";
}

/// <summary>The log fixtures under tests/fixtures/logs: a file and the records it must decode to
/// (<c>NAME.expected.jsonl</c>, written from an independent model of the formats, in emission order).</summary>
internal static class LogFixture
{
    public static readonly DateTimeOffset Start = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Repository.Fixture("logs", name + ".log"));

    public static List<ExpectedRecord> Expected(string name)
    {
        var records = new List<ExpectedRecord>();
        foreach (var line in File.ReadLines(Repository.Fixture("logs", name + ".expected.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var message = root.TryGetProperty("message", out var text)
                ? text.GetString()!
                : ExpectedRecord.Show(Convert.FromBase64String(root.GetProperty("messageBase64").GetString()!));
            records.Add(new ExpectedRecord(
                root.GetProperty("timestamp").GetString()!,
                Enum.Parse<LogStream>(root.GetProperty("stream").GetString()!, ignoreCase: true),
                message,
                root.GetProperty("start").GetInt64(),
                root.GetProperty("end").GetInt64(),
                Enum.Parse<LogFlags>(root.GetProperty("flags").GetString()!)));
        }

        return records;
    }

    /// <summary>Frames and decodes <paramref name="data"/> fed through a pipe in the given chunks, then lets the
    /// partial timeout pass (two FlushStale calls 5 s apart), as a tail does once the file has been read to its end.</summary>
    public static async Task<List<ExpectedRecord>> Decode(byte[] data, IEnumerable<int> cuts, int maxLineBytes = 1024 * 1024, int maxMessageBytes = 1024 * 1024, MemoryPool<byte>? pool = null)
    {
        using var decoder = new LogDecoder(maxMessageBytes);
        var records = new List<LogRecord>();
        await PipeFeeder.Feed(data, cuts, maxLineBytes, (line, start, end, split) => decoder.Decode(line, start, end, split, records), pool);
        decoder.FlushStale(Start, records);
        decoder.FlushStale(Start + PartialLineMerger.DefaultPartialTimeout, records);
        Assert.Null(decoder.OldestPendingStart);
        return [.. records.Select(ExpectedRecord.From)];
    }
}
