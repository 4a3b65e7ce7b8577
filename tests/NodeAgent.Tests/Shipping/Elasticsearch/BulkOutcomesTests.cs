using System.Net;
using System.Text;
using NodeAgent.Shipping.Elasticsearch;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>
/// The outcome rules against answers shaped as each server documents its <c>_bulk</c> response: Elasticsearch 8
/// (items with <c>_shards</c>, <c>_seq_no</c>; 8.x calls a parse failure <c>document_parsing_exception</c>),
/// Elasticsearch 9 (a document redirected to the data stream's failure store is a 201 with
/// <c>"failure_store":"used"</c>: stored, not to be sent again), OpenSearch 2 (<c>mapper_parsing_exception</c>, and
/// no product header, which only the connection check looks at), and the short form the agent asks for with
/// <c>filter_path</c>.
/// </summary>
public sealed class BulkOutcomesTests
{
    private const string Elasticsearch8 = """
        {"took":7,"errors":true,"items":[
          {"create":{"_index":".ds-logs-k-default-2026.12.07-000001","_id":"a","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":4,"_primary_term":1,"status":201}},
          {"create":{"_index":".ds-logs-k-default-2026.12.07-000001","_id":"b","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[b]: version conflict, document already exists (current version [1])","index_uuid":"u","shard":"0","index":".ds-logs-k-default-2026.12.07-000001"}}},
          {"create":{"_index":".ds-logs-k-default-2026.12.07-000001","_id":"c","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1024, max_coordinating_and_primary_bytes=1000]"}}},
          {"create":{"_index":".ds-logs-k-default-2026.12.07-000001","_id":"d","status":400,"error":{"type":"document_parsing_exception","reason":"[1:42] failed to parse field [json.level] of type [long] in document with id 'd'","caused_by":{"type":"illegal_argument_exception","reason":"For input string: \"warn\""}}}},
          {"create":{"_index":".ds-logs-k-default-2026.12.07-000001","_id":"e","status":503,"error":{"type":"unavailable_shards_exception","reason":"[.ds-logs-k-default-2026.12.07-000001][0] primary shard is not active"}}}
        ]}
        """;

    private const string Elasticsearch9 = """
        {"errors":true,"took":3,"items":[
          {"create":{"_index":".fs-logs-k-default-2026.12.07-000002","_id":"a","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"failure_store":"used","status":201}},
          {"create":{"_index":"logs-k-default","_id":"b","status":400,"failure_store":"not_enabled","error":{"type":"document_parsing_exception","reason":"[1:12] failed to parse field [message] of type [keyword]"}}},
          {"create":{"_index":".ds-logs-k-default-2026.12.07-000001","_id":"c","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":1,"_primary_term":1,"status":201}}
        ]}
        """;

    private const string OpenSearch2 = """
        {"took":11,"errors":true,"items":[
          {"create":{"_index":"logs-k-default","_id":"a","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":9,"_primary_term":1,"status":201}},
          {"create":{"_index":"logs-k-default","_id":"b","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[b]: version conflict, document already exists (current version [1])","index":"logs-k-default","shard":"0","index_uuid":"u"}}},
          {"create":{"_index":"logs-k-default","_id":"c","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [json.count] of type [long] in document with id 'c'. Preview of field's value: 'many'","caused_by":{"type":"illegal_argument_exception","reason":"For input string: \"many\""}}}},
          {"create":{"_index":"logs-k-default","_id":"d","status":429,"error":{"type":"rejected_execution_exception","reason":"rejected execution of primary operation"}}}
        ]}
        """;

    // What the agent reads with filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason.
    private const string Filtered = """{"errors":true,"items":[{"create":{"status":201}},{"create":{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"exists"}}},{"create":{"status":500,"error":{"type":"exception","reason":"boom"}}},{"create":{"status":404,"error":{"type":"index_not_found_exception","reason":"no such index [x]"}}}]}""";

    private static ItemVerdict[] Verdicts(string answer, int count, bool hasParsedJson = false) =>
        [.. BulkResponse.Parse(Encoding.UTF8.GetBytes(answer), count).Select(r => BulkOutcomes.OfItem(r, hasParsedJson))];

    [Fact]
    public void Elasticsearch_8_items_are_stored_replayed_retried_and_dead_lettered_by_their_own_status() =>
        Assert.Equal([ItemVerdict.Stored, ItemVerdict.Replayed, ItemVerdict.Retry, ItemVerdict.DeadLetter, ItemVerdict.Retry], Verdicts(Elasticsearch8, 5));

    [Fact]
    public void Elasticsearch_9_counts_a_document_kept_in_the_failure_store_as_stored() =>
        Assert.Equal([ItemVerdict.Stored, ItemVerdict.DeadLetter, ItemVerdict.Stored], Verdicts(Elasticsearch9, 3));

    [Fact]
    public void OpenSearch_2_items_follow_the_same_rules() =>
        Assert.Equal([ItemVerdict.Stored, ItemVerdict.Replayed, ItemVerdict.DeadLetter, ItemVerdict.Retry], Verdicts(OpenSearch2, 4));

    [Fact]
    public void The_filtered_answer_the_agent_asks_for_reads_the_same() =>
        Assert.Equal([ItemVerdict.Stored, ItemVerdict.Replayed, ItemVerdict.Retry, ItemVerdict.DeadLetter], Verdicts(Filtered, 4));

    [Fact]
    public void A_document_refused_with_parsed_json_fields_goes_again_without_them_and_only_a_refusal_does()
    {
        Assert.Equal([ItemVerdict.Stored, ItemVerdict.Replayed, ItemVerdict.ResendWithoutJson, ItemVerdict.Retry], Verdicts(OpenSearch2, 4, hasParsedJson: true));
        Assert.Equal(ItemVerdict.ResendWithoutJson, BulkOutcomes.OfItem(new BulkItemResult(400, "document_parsing_exception", "x"), hasParsedJson: true));
        Assert.Equal(ItemVerdict.Retry, BulkOutcomes.OfItem(new BulkItemResult(503, "unavailable_shards_exception", "x"), hasParsedJson: true));
    }

    [Theory]
    [InlineData(200, (int)RequestVerdict.ReadItems, null)]
    [InlineData(201, (int)RequestVerdict.ReadItems, null)]
    [InlineData(413, (int)RequestVerdict.Split, "413")]
    [InlineData(429, (int)RequestVerdict.Retry, "overloaded (429)")]
    [InlineData(401, (int)RequestVerdict.Retry, "rejected the credentials of user 'shipper' (401): missing authentication credentials")]
    [InlineData(403, (int)RequestVerdict.Retry, "(403)")]
    [InlineData(400, (int)RequestVerdict.Retry, "refused the whole bulk request (400)")]
    [InlineData(404, (int)RequestVerdict.Retry, "answered the bulk request with 404")]
    [InlineData(302, (int)RequestVerdict.Retry, "answered the bulk request with 302")]
    [InlineData(502, (int)RequestVerdict.Retry, "failed the bulk request (502)")]
    public void A_request_is_read_retried_or_split_by_its_status(int status, int verdict, string? said)
    {
        var body = """{"error":{"root_cause":[],"type":"security_exception","reason":"missing authentication credentials"},"status":401}"""u8.ToArray();
        var (actual, problem) = BulkOutcomes.OfRequest(new BulkExchange((HttpStatusCode)status, body, null, null, "http://es:9200"), "user 'shipper'");
        Assert.Equal((RequestVerdict)verdict, actual);
        if (said is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(said, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_answer_is_retried_with_the_transport_failure_said()
    {
        var (verdict, problem) = BulkOutcomes.OfRequest(new BulkExchange(null, default, null, "Connection refused (es:9200)", "http://es:9200"), "anonymous");
        Assert.Equal(RequestVerdict.Retry, verdict);
        Assert.Equal("cannot reach http://es:9200: Connection refused (es:9200); retrying", problem);
    }

    [Fact]
    public void An_error_body_that_is_not_json_is_shown_by_its_start()
    {
        Assert.Equal("<html>502 Bad Gateway</html>", BulkOutcomes.ErrorReason("<html>502 Bad Gateway</html>"u8.ToArray()));
        Assert.Equal("(empty body)", BulkOutcomes.ErrorReason(ReadOnlyMemory<byte>.Empty));
        Assert.Equal("[1]", BulkOutcomes.ErrorReason("""{"error":[1]}"""u8.ToArray()));
    }
}
