using System.Text.Json;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>A document refused for its parsed <c>json</c> member goes again without it, the rest byte for byte.</summary>
public sealed class BulkRequestJsonTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string[] Lines(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body).TrimEnd('\n').Split('\n');

    [Fact]
    public void The_json_member_is_cut_out_and_the_reason_goes_to_error_message()
    {
        using var tail = TestTail.Open(_dir, parseJson: true);
        var first = new BulkRequest();
        Assert.Null(first.TryAdd(tail.Batch([]), new LogRecord("2026-11-28T10:15:00Z", LogStream.Stdout, "{\"status\":\"degraded\",\"n\":1}"u8.ToArray(), 0, 40, LogFlags.None), DateTimeOffset.UnixEpoch));
        var item = Assert.Single(first.Items);
        Assert.False(item.Json.IsEmpty);

        var again = new BulkRequest();
        again.AddWithoutJson(item, first.Body.Span, "document_parsing_exception: failed to parse field [json.status] of type [long]", DateTimeOffset.UnixEpoch);

        var (before, after) = (Lines(first.Body.Span), Lines(again.Body.Span));
        Assert.Equal(before[0], after[0]);
        using var original = JsonDocument.Parse(before[1]);
        using var resent = JsonDocument.Parse(after[1]);
        Assert.False(resent.RootElement.TryGetProperty("json", out _));
        Assert.Equal("the fields parsed from the JSON message were refused: document_parsing_exception: failed to parse field [json.status] of type [long]",
            resent.RootElement.GetProperty("error").GetProperty("message").GetString());
        var kept = original.RootElement.EnumerateObject().Where(p => p.Name != "json").Select(p => p.Name);
        Assert.Equal(kept, resent.RootElement.EnumerateObject().Where(p => p.Name != "error").Select(p => p.Name));
        Assert.True(Assert.Single(again.Items).Json.IsEmpty);
    }

    [Fact]
    public void Without_parsing_there_is_no_json_member_to_cut()
    {
        using var tail = TestTail.Open(_dir);
        var request = new BulkRequest();
        Assert.Null(request.TryAdd(tail.Batch([]), new LogRecord("2026-11-28T10:15:00Z", LogStream.Stdout, "{\"status\":1}"u8.ToArray(), 0, 20, LogFlags.None), DateTimeOffset.UnixEpoch));

        Assert.True(Assert.Single(request.Items).Json.IsEmpty);
        Assert.DoesNotContain("\"json\"", Encoding.UTF8.GetString(request.Body.Span), StringComparison.Ordinal);
    }
}
