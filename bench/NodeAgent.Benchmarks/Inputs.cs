using System.Buffers;
using System.Globalization;
using System.Text;

namespace NodeAgent.Benchmarks;

/// <summary>A block of log lines ('\n'-terminated) and where each line (without its '\n') lies in it.</summary>
internal sealed class LineBlock
{
    public LineBlock(byte[] bytes, Range[] lines)
    {
        Bytes = bytes;
        Lines = lines;
    }

    public byte[] Bytes { get; }

    public Range[] Lines { get; }

    public ReadOnlySpan<byte> Line(int index) => Bytes.AsSpan(Lines[index]);
}

/// <summary>
/// The benchmarks' inputs, the same on every run (fixed seed): realistic container output of ~130-byte lines, as a
/// containerd (CRI) file and as a docker json-file file would hold it.
/// </summary>
internal static class Inputs
{
    /// <summary>Lines per block: every benchmark processes one block per invocation and reports per line.</summary>
    public const int LineCount = 4096;

    /// <summary>The size of a pipe segment (System.IO.Pipelines' default minimum segment size).</summary>
    public const int SegmentBytes = 4096;

    /// <summary>The agent's default Logs:MaxLineBytes.</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>The agent's default Logs:MaxMessageBytes.</summary>
    public const int MaxMessageBytes = 1 << 20;

    private static readonly string[] Paths = ["/api/v1/orders", "/api/v1/customers", "/api/v2/carts", "/healthz", "/api/v1/payments"];
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
    private static readonly int[] Statuses = [200, 200, 200, 201, 204, 304, 404, 500];

    /// <summary>CRI lines, all <c>F</c>, one in ten on stderr: <c>2026-11-28T10:15:00.123456789Z stdout F GET ...</c>.</summary>
    public static LineBlock Cri { get; } = Build(LineCount, (random, i, text) =>
    {
        text.Append(Timestamp(i)).Append(i % 10 == 9 ? " stderr F " : " stdout F ").Append(Message(random));
    });

    /// <summary>CRI lines whose messages are JSON objects, as structured loggers write them (~180 bytes, five fields,
    /// one nested object).</summary>
    public static LineBlock CriJson { get; } = Build(LineCount, (random, i, text) =>
    {
        text.Append(Timestamp(i)).Append(" stdout F ")
            .Append("{\"level\":\"").Append(i % 10 == 9 ? "error" : "info").Append("\",\"ts\":").Append(1764324900 + i)
            .Append(",\"msg\":\"").Append(Message(random)).Append("\",\"http\":{\"status\":").Append(Statuses[random.Next(Statuses.Length)])
            .Append(",\"bytes\":").Append(random.Next(100, 50000)).Append("},\"trace_id\":\"").Append(random.Next().ToString("x8", CultureInfo.InvariantCulture)).Append("\"}");
    });

    /// <summary>CRI lines in P/F pairs: each message cut in two, as a runtime cuts a long line.</summary>
    public static LineBlock CriPartialPairs { get; } = Build(LineCount, (random, i, text) =>
    {
        var message = Message(random);
        var first = message.Length / 2;
        text.Append(Timestamp(i)).Append(" stdout ").Append(i % 2 == 0 ? "P " : "F ");
        text.Append(i % 2 == 0 ? message[..first] : message[first..]);
    });

    /// <summary>
    /// Docker json-file lines: <c>{"log":"...\n","stream":"stdout","time":"..."}</c>, with the escapes docker writes
    /// (quotes, a tab, &lt; and &gt; as \u003c \u003e) in most messages.
    /// </summary>
    public static LineBlock Docker { get; } = Build(LineCount, (random, i, text) =>
    {
        var message = Message(random);
        text.Append("{\"log\":\"").Append(message);
        switch (i % 4)
        {
            case 0: text.Append(" msg=\\\"order accepted\\\""); break;
            case 1: text.Append("\\tretry=0 \\u003cnone\\u003e"); break;
            case 2: text.Append(" path=C:\\\\tmp"); break;
            default: break; // only the final \n is escaped
        }

        text.Append("\\n\",\"stream\":\"").Append(i % 10 == 9 ? "stderr" : "stdout").Append("\",\"time\":\"").Append(Timestamp(i)).Append("\"}");
    });

    /// <summary>
    /// <paramref name="bytes"/> as a <see cref="ReadOnlySequence{T}"/> of <see cref="SegmentBytes"/>-byte segments, each
    /// its own array, as a pipe hands a reader a long buffer: some lines straddle two segments.
    /// </summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes)
    {
        Segment? first = null, last = null;
        for (var offset = 0; offset < bytes.Length; offset += SegmentBytes)
        {
            var chunk = bytes.AsSpan(offset, Math.Min(SegmentBytes, bytes.Length - offset)).ToArray();
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private static LineBlock Build(int count, Action<Random, int, StringBuilder> line)
    {
        var random = new Random(20261128);
        var bytes = new List<byte>();
        var ranges = new Range[count];
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Clear();
            line(random, i, text);
            var start = bytes.Count;
            bytes.AddRange(Encoding.UTF8.GetBytes(text.ToString()));
            ranges[i] = new Range(start, bytes.Count);
            bytes.Add((byte)'\n');
        }

        return new LineBlock([.. bytes], ranges);
    }

    // RFC 3339 with nanoseconds, as CRI-O writes it (containerd and docker drop trailing zeros; the parsers accept both).
    private static string Timestamp(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:{15 + (i / 60 % 45):D2}:{i % 60:D2}.{123456789 + (i * 7919 % 800000000):D9}Z");

    // ~100 bytes: an access-log line as a web service prints it.
    private static string Message(Random random) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Methods[random.Next(Methods.Length)]} {Paths[random.Next(Paths.Length)]}/{random.Next(1, 99999)} {Statuses[random.Next(Statuses.Length)]} {random.Next(80, 20000)}B {random.Next(1, 900)}.{random.Next(0, 999):D3}ms client=10.244.{random.Next(0, 255)}.{random.Next(1, 255)} trace={random.NextInt64():x16}");

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
