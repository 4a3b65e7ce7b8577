using System.Text.Json;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>Issue 11, point 7: a document that cannot be encoded leaves the body exactly as it was, so it alone is
/// refused (dead-lettered by the output) and the rest of the request goes.</summary>
public sealed class BulkRequestEncodingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static LogRecord Line(string timestamp, string message, long offset) =>
        new(timestamp, LogStream.Stdout, Encoding.UTF8.GetBytes(message), offset, offset + 10, LogFlags.None);

    [Fact]
    public void A_plain_files_action_names_its_data_stream_and_a_containers_leaves_it_to_the_path()
    {
        using var tail = TestTail.Open(_dir);
        var plain = new NodeAgent.Kubernetes.DocumentFields("node-a", "/var/log/syslog", null, DataStreamName.Default, "1.0.0").AsPlain(DataStreamName.PlainDefault);
        var request = new BulkRequest();

        Assert.Null(request.TryAdd(tail.Batch([]), Line("2026-11-28T10:15:00Z", "container", 0), DateTimeOffset.UnixEpoch));
        Assert.Null(request.TryAdd(tail.Batch([]) with { Context = plain.Context }, Line("2026-11-28T10:15:01Z", "plain", 10), DateTimeOffset.UnixEpoch));

        var lines = Encoding.UTF8.GetString(request.Body.Span).Split('\n');
        var container = JsonDocument.Parse(lines[0]).RootElement.GetProperty("create");
        var host = JsonDocument.Parse(lines[2]).RootElement.GetProperty("create");
        Assert.False(container.TryGetProperty("_index", out _));
        Assert.Equal("logs-host.file-default", host.GetProperty("_index").GetString());
        Assert.Equal(container.GetProperty("_id").GetString()!.Length, host.GetProperty("_id").GetString()!.Length);
    }

    [Fact]
    public void A_line_whose_date_names_no_index_is_refused_and_leaves_no_half_action_behind()
    {
        using var tail = TestTail.Open(_dir);
        var pattern = IndexPattern.TryParse("app-%{+yyyy.MM.dd}")!;
        var request = new BulkRequest();

        Assert.Null(request.TryAdd(tail.Batch([]), Line("2026-11-28T10:15:00Z", "before", 0), DateTimeOffset.UnixEpoch, pattern));
        var failure = request.TryAdd(tail.Batch([]), Line("0000-01-01T00:00:00Z", "year zero", 10), DateTimeOffset.UnixEpoch, pattern);
        Assert.Null(request.TryAdd(tail.Batch([]), Line("2026-11-28T10:15:01Z", "after", 20), DateTimeOffset.UnixEpoch, pattern));

        Assert.NotNull(failure);
        Assert.Equal([0L, 20L], request.Items.Select(i => i.StartOffset));
        var lines = Encoding.UTF8.GetString(request.Body.Span).Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Equal("", lines[^1]);
        foreach (var line in lines[..^1])
        {
            using var _ = JsonDocument.Parse(line);
        }

        Assert.Equal(["before", "after"], lines.Where((_, i) => i % 2 == 1 && i < 4).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()));
        // Every item's recorded extent still lies on its own action and document.
        foreach (var item in request.Items)
        {
            Assert.StartsWith("{\"create\":", Encoding.UTF8.GetString(request.Body.Span.Slice(item.BodyStart, item.BodyLength)), StringComparison.Ordinal);
        }
    }
}
