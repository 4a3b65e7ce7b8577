using System.Diagnostics.CodeAnalysis;
using System.Text;
using BenchmarkDotNet.Attributes;
using NodeAgent.Delivery;
using NodeAgent.Parsing;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Benchmarks;

/// <summary>
/// <see cref="MultilineJoiner.Add"/> per line, multiline <c>none</c> against <c>auto</c>: on ordinary lines (the common
/// case: each must pass straight through) and on a mix where about one line in seven belongs to a stack trace (Java,
/// Python, Go, .NET, Node.js, in turn, after every 50 ordinary lines; an ERROR logger line before the Java one). Each
/// invocation is a reading turn: the file's record arena is reset first, and what is pending is flushed at its end.
/// <see cref="ParseMergeAndJoinCriLines"/> is the reading loop's path with the parser and merger in front (<c>none</c>
/// there is the path without multiline, plus a pass-through call).
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "Disposed by [GlobalCleanup], BenchmarkDotNet's end of a benchmark.")]
public class MultilineBenchmarks
{
    private static readonly string[][] TraceTexts =
    [
        [
            "2026-11-28 10:15:00.123 ERROR 1 --- [nio-8080-exec-3] c.s.web.OrderController : Request failed",
            "java.lang.IllegalStateException: Failed to load order 4711",
            "\tat com.shop.orders.OrderService.load(OrderService.java:87)",
            "\tat com.shop.orders.OrderController.show(OrderController.java:42)",
            "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available",
            "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)",
            "\t... 2 more",
        ],
        [
            "Traceback (most recent call last):",
            "  File \"/app/worker.py\", line 42, in <module>",
            "    main()",
            "  File \"/app/worker.py\", line 21, in process",
            "    total = job[\"amount\"] / job[\"count\"]",
            "ZeroDivisionError: division by zero",
        ],
        [
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "",
            "goroutine 1 [running]:",
            "main.(*Server).handle(0x0, {0x5d1e40, 0xc0000b2000})",
            "\t/app/server.go:57 +0x1c",
            "main.main()",
            "\t/app/main.go:23 +0x85",
        ],
        [
            "Unhandled exception. System.InvalidOperationException: Sequence contains no elements",
            "   at System.Linq.ThrowHelper.ThrowNoElementsException()",
            "   at Shop.Orders.OrderService.GetLatest() in /src/Shop/Orders/OrderService.cs:line 48",
            "   at Program.<Main>$(String[] args) in /src/Shop/Program.cs:line 12",
        ],
        [
            "TypeError: Cannot read properties of undefined (reading 'id')",
            "    at getUser (/app/src/users.js:14:22)",
            "    at async handler (/app/src/routes.js:40:5)",
        ],
    ];

    private readonly List<LogRecord> _output = new(8);
    private readonly RecordArena _arena = new();
    private LogRecord[] _ordinary = [];
    private LogRecord[] _mixed = [];
    private MultilineJoiner _joiner = null!;
    private PartialLineMerger _merger = null!;

    [Params("none", "auto")]
    public string Mode { get; set; } = "auto";

    [GlobalSetup]
    public void Setup()
    {
        var rule = MultilineRule.Resolve(Mode, null);
        _joiner = new MultilineJoiner(rule, Inputs.MaxMessageBytes, MultilineJoiner.DefaultFlushTimeout, _arena);
        _merger = new PartialLineMerger(Inputs.MaxMessageBytes, PartialLineMerger.DefaultPartialTimeout, _arena);
        var messages = Enumerable.Range(0, Inputs.LineCount).Select(i => Message(Inputs.Cri.Line(i))).ToList();
        _ordinary = Records(messages);
        _mixed = Records(Mix(messages));

        // About 73 traces of 3 to 7 lines: joined, they leave hundreds of records fewer than lines.
        if (JoinOrdinary() != Inputs.LineCount || (Mode == "none" ? JoinMixed() != Inputs.LineCount : JoinMixed() > Inputs.LineCount - 200)
            || ParseMergeAndJoinCriLines() != Inputs.LineCount)
        {
            throw new InvalidOperationException("the joiner did not pass ordinary lines through one by one, or did not join the traces");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _joiner.Dispose();
        _merger.Dispose();
        _arena.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int JoinOrdinary() => Join(_ordinary);

    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int JoinMixed() => Join(_mixed);

    /// <summary>The reading loop's path as it will be wired: each CRI line parsed, its piece given to the partial-line
    /// merger, and the merger's records written straight into the joiner (<see cref="MultilineJoiner.Into"/>).</summary>
    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int ParseMergeAndJoinCriLines()
    {
        var count = 0;
        _arena.Reset();
        var block = Inputs.Cri;
        for (var i = 0; i < Inputs.LineCount; i++)
        {
            var line = block.Line(i);
            var (start, length) = block.Lines[i].GetOffsetAndLength(block.Bytes.Length);
            if (!CriParser.TryParse(line, out var cri))
            {
                throw new InvalidOperationException("not a CRI line");
            }

            _merger.Add(cri.Stream, line[cri.Timestamp], line[cri.Message], start, start + length + 1, !cri.Partial, LogFlags.None, _joiner.Into(_output));
            count += _output.Count;
            _output.Clear();
        }

        _joiner.FlushAll(_output);
        count += _output.Count;
        _output.Clear();
        return count;
    }

    private int Join(LogRecord[] lines)
    {
        var count = 0;
        _arena.Reset();
        foreach (var line in lines)
        {
            _joiner.Add(line, _output);
            count += _output.Count;
            _output.Clear();
        }

        _joiner.FlushAll(_output);
        count += _output.Count;
        _output.Clear();
        return count;
    }

    /// <summary>The message of a CRI line: what follows its third space.</summary>
    private static byte[] Message(ReadOnlySpan<byte> line)
    {
        for (var spaces = 0; spaces < 3; spaces++)
        {
            line = line[(line.IndexOf((byte)' ') + 1)..];
        }

        return line.ToArray();
    }

    /// <summary>The same number of lines: 50 ordinary ones, then a trace, in turn.</summary>
    private static List<byte[]> Mix(List<byte[]> ordinary)
    {
        var mixed = new List<byte[]>(Inputs.LineCount);
        for (int i = 0, trace = 0; mixed.Count < Inputs.LineCount; trace++)
        {
            for (var n = 0; n < 50 && mixed.Count < Inputs.LineCount; n++)
            {
                mixed.Add(ordinary[i++]);
            }

            foreach (var line in TraceTexts[trace % TraceTexts.Length])
            {
                if (mixed.Count < Inputs.LineCount)
                {
                    mixed.Add(Encoding.UTF8.GetBytes(line));
                }
            }
        }

        return mixed;
    }

    private static LogRecord[] Records(List<byte[]> messages)
    {
        var records = new LogRecord[messages.Count];
        var timestamp = "2026-11-28T10:15:00.123456789Z"u8.ToArray();
        long offset = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var end = offset + 40 + messages[i].Length + 1;
            records[i] = new LogRecord(timestamp, LogStream.Stdout, messages[i], offset, end, LogFlags.None);
            offset = end;
        }

        return records;
    }
}
