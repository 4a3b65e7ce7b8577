using System.Text;
using NodeAgent.Shipping.Elasticsearch;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>Every item of a bulk answer is read, whatever the HTTP status said (issue 5, point 4).</summary>
public sealed class BulkResponseTests
{
    // The shape Elasticsearch 8 answers with: created, replayed create (409), rejected (429), mapping error (400).
    private const string Mixed = """
        {"took":3,"errors":true,"items":[
          {"create":{"_index":".ds-logs-kubernetes.container_logs-default-2026.11.28-000001","_id":"a","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},
          {"create":{"_index":".ds-logs-kubernetes.container_logs-default-2026.11.28-000001","_id":"b","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[b]: version conflict, document already exists (current version [1])","index_uuid":"x","shard":"0","index":".ds-x"}}},
          {"create":{"_index":".ds-x","_id":"c","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"}}},
          {"create":{"_index":".ds-x","_id":"d","status":400,"error":{"type":"document_parsing_exception","reason":"[1:15] failed to parse field [level] of type [long]","caused_by":{"type":"illegal_argument_exception","reason":"For input string: \"warn\""}}}},
          {"create":{"_index":".ds-x","_id":"e","status":503,"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"}}}
        ]}
        """;

    [Fact]
    public void Each_item_is_classified_by_its_own_status()
    {
        var results = BulkResponse.Parse(Encoding.UTF8.GetBytes(Mixed), 5);

        Assert.Equal([201, 409, 429, 400, 503], results.Select(r => r.Status));
        Assert.Equal([ItemVerdict.Stored, ItemVerdict.Replayed, ItemVerdict.Retry, ItemVerdict.DeadLetter, ItemVerdict.Retry], results.Select(r => BulkOutcomes.OfItem(r, hasParsedJson: false)));
        Assert.Equal("document_parsing_exception", results[3].ErrorType);
        Assert.StartsWith("[1:15] failed to parse field [level]", results[3].ErrorReason, StringComparison.Ordinal);
        Assert.Null(results[0].ErrorType);
    }

    [Theory]
    [InlineData("""{"took":1,"errors":false,"items":[{"create":{"status":201}}]}""", 2)]
    [InlineData("""{"took":1,"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}}]}""", 1)]
    [InlineData("""{"took":1,"errors":false,"items":[{"create":{"_id":"a"}}]}""", 1)]
    [InlineData("""{"error":{"type":"illegal_argument_exception","reason":"x"},"status":400}""", 1)]
    public void An_answer_that_does_not_match_the_request_is_refused(string json, int sent)
    {
        Assert.ThrowsAny<Exception>(() => BulkResponse.Parse(Encoding.UTF8.GetBytes(json), sent));
    }

    [Fact]
    public void Fields_it_does_not_know_are_skipped()
    {
        var json = """{"took":1,"ingest_took":0,"errors":false,"items":[{"create":{"status":201,"get":{"found":true,"_source":{"a":[1,{"b":2}]}},"error":"odd"}}],"extra":{"x":[1]}}""";

        var result = Assert.Single(BulkResponse.Parse(Encoding.UTF8.GetBytes(json), 1));

        Assert.Equal(201, result.Status);
        Assert.Equal("odd", result.ErrorReason);
    }

    [Fact]
    public void Parsed_results_lie_in_a_pooled_array_given_back_cleared()
    {
        Assert.True(BulkResponse.TryParse(Encoding.UTF8.GetBytes(Mixed), 5, out var results, out _));
        Assert.True(results.Length >= 5);
        Assert.Equal("document_parsing_exception", results[3].ErrorType);

        BulkResponse.Return(results);

        // The pool hands the same array out again on this thread: cleared, so it keeps no failure's strings alive.
        var again = System.Buffers.ArrayPool<BulkItemResult>.Shared.Rent(5);
        Assert.Same(results, again);
        Assert.All(again, r => Assert.Equal(default, r));
        System.Buffers.ArrayPool<BulkItemResult>.Shared.Return(again);
    }

    [Fact]
    public void A_body_that_is_not_a_bulk_answer_gives_its_array_back_at_once()
    {
        Assert.False(BulkResponse.TryParse("<html>"u8, 5, out var results, out var problem));
        Assert.Empty(results);
        Assert.NotNull(problem);
    }

    [Fact]
    public void An_exchange_gives_its_pooled_body_back_once_however_often_it_is_disposed()
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(100_000);
        var exchange = new BulkExchange(System.Net.HttpStatusCode.OK, rented.AsMemory(0, 10), null, null, "http://es:9200") { Rented = rented };

        exchange.Dispose();
        exchange.Dispose();

        // Returned twice, the pool would hand the same array to two renters.
        var first = System.Buffers.ArrayPool<byte>.Shared.Rent(100_000);
        var second = System.Buffers.ArrayPool<byte>.Shared.Rent(100_000);
        Assert.Same(rented, first);
        Assert.NotSame(first, second);
        System.Buffers.ArrayPool<byte>.Shared.Return(first);
        System.Buffers.ArrayPool<byte>.Shared.Return(second);
    }
}
