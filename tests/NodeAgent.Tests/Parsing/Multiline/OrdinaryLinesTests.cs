using NodeAgent.Delivery;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>
/// What must never be joined: ordinary lines, JSON lines, lines that merely contain "at ", "Error", "panic" or a
/// level, and a trace's first lines when the rest of it never comes. Each line stays its own record, in order.
/// </summary>
public sealed class OrdinaryLinesTests
{
    public static TheoryData<string> Cases() =>
    [
        "plain",
        "error then prose",
        "indented at prose",
        "json",
        "two logger errors",
        "panic words",
        "python header alone",
        "node location alone",
        "logfmt",
        "ruby and php words",
        "dotnet console header without body",
    ];

    private static readonly Dictionary<string, string[]> Lines = new(StringComparer.Ordinal)
    {
        ["plain"] =
        [
            "2026-03-14 09:00:00.001  INFO 1 --- [main] com.shop.Application : Started Application in 2.134 seconds",
            "10.244.0.1 - - [14/Mar/2026:09:00:00 +0000] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.30\"",
            "Listening at http://0.0.0.0:8080",
            "",
            "    indented continuation of nothing",
        ],
        ["error then prose"] =
        [
            "Error: connection refused",
            "retrying in 5s",
            "TypeError: x is not a function",
            "  at least 3 replicas are required (maybe more)",
            "java.lang.IllegalStateException: boom",
            "Caused by: a bad day",
            "Exception in thread \"main\" java.lang.RuntimeException",
            "    at the moment: 3 pods",
            "System.InvalidOperationException: bad",
            " ---> sending request again",
        ],
        ["indented at prose"] =
        [
            "Job finished at 09:00",
            "\tat 10:00 the next one starts",
            "    at /home/user for details",
            "  at once",
        ],
        ["json"] =
        [
            "{\"level\":\"error\",\"msg\":\"Error: boom\",\"stack\":\"Error: boom\\n    at f (/app/x.js:1:2)\"}",
            "    at f (/app/x.js:1:2)",
            "{\"level\":\"error\",\"error\":\"java.lang.IllegalStateException: boom\"}",
            "\tat com.shop.A.b(A.java:1)",
        ],
        ["two logger errors"] =
        [
            "2026-03-14 09:00:00.001 ERROR [main] c.s.A - first failure",
            "2026-03-14 09:00:00.002 ERROR [main] c.s.A - second failure",
            "2026-03-14 09:00:00.003 WARN  [main] c.s.A - degraded",
            "ERROR:root:failed",
            "INFO:root:carrying on",
        ],
        ["panic words"] =
        [
            "panic: config missing",
            "",
            "the operator was notified",
            "don't panic: all is well",
            "fatal error: out of coffee",
            "goroutine leak suspected",
        ],
        ["python header alone"] =
        [
            "Traceback (most recent call last):",
            "the traceback was lost",
            "ValueError: bad value",
        ],
        ["node location alone"] =
        [
            "/app/server.js:27",
            "    throw new Error('x');",
            "request handled",
            "node:events:497",
        ],
        ["logfmt"] =
        [
            "time=2026-03-14T09:00:00Z level=error msg=\"Error: boom\"",
            "time=2026-03-14T09:00:01Z level=info msg=\"at the gate\"",
        ],
        ["ruby and php words"] =
        [
            "app.rb:3:in 'divide': divided by 0 (ZeroDivisionError)",
            "request done",
            "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in /var/www/x.php on line 3",
            "#0 is not a frame after this",
            "NoMethodError (undefined method `x'):",
            "  not a frame",
        ],
        ["dotnet console header without body"] =
        [
            "info: Microsoft.Hosting.Lifetime[14]",
            "Now listening on: http://[::]:8080",
            "warn: Shop.Cache[0]",
        ],
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_line_stays_its_own_record_in_order(string name)
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        foreach (var line in Lines[name])
        {
            harness.Feed(line);
        }

        Assert.Equal([.. Enumerable.Range(0, Lines[name].Length).Select(harness.Single)], harness.FlushAll());
    }

    [Fact]
    public void A_line_that_begins_no_trace_passes_through_without_a_copy()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var message = "GET /api/v1/orders 200 12ms"u8.ToArray();
        var record = new LogRecord("2026-03-14T09:00:00Z", LogStream.Stdout, message, 0, 70, LogFlags.None);
        var output = new List<LogRecord>();

        harness.Joiner.Add(record, output);

        var passed = Assert.Single(output);
        Assert.True(passed.Message.Equals(record.Message), "the message bytes were copied");
        Assert.True(passed.Timestamp.Equals(record.Timestamp), "the timestamp bytes were copied");
        Assert.Null(harness.Joiner.OldestPendingStart);
        Assert.Equal(0, harness.Joiner.PendingBytes);
    }

    [Fact]
    public void Under_none_even_a_trace_passes_through()
    {
        using var harness = new JoinerHarness(MultilineRule.None);
        var lines = Traces.All["java uncaught with cause"].Lines;
        foreach (var line in lines)
        {
            harness.Feed(line);
            Assert.Null(harness.Joiner.OldestPendingStart);
        }

        Assert.Equal([.. Enumerable.Range(0, lines.Length).Select(harness.Single)], harness.Emitted);
    }

    [Fact]
    public void A_frame_on_the_other_stream_neither_joins_nor_ends_a_trace()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var header = harness.Feed("java.lang.IllegalStateException: boom", LogStream.Stdout);
        var strayFrame = harness.Feed("\tat com.shop.Other.run(Other.java:5)", LogStream.Stderr);
        var strayHeader = harness.Feed("java.lang.RuntimeException: other stream", LogStream.Stderr);
        var frame = harness.Feed("\tat com.shop.A.b(A.java:10)", LogStream.Stdout);
        var otherFrame = harness.Feed("\tat com.shop.Other.main(Other.java:1)", LogStream.Stderr);
        var after = harness.Feed("done", LogStream.Stdout);

        var trace = harness.Joined(header, header) with { Message = "java.lang.IllegalStateException: boom\n\tat com.shop.A.b(A.java:10)", End = harness.Lines[frame].End };
        var otherTrace = harness.Joined(strayHeader, strayHeader) with { Message = "java.lang.RuntimeException: other stream\n\tat com.shop.Other.main(Other.java:1)", End = harness.Lines[otherFrame].End };
        Assert.Equal([harness.Single(strayFrame), trace, harness.Single(after), otherTrace], harness.FlushAll());
    }
}
