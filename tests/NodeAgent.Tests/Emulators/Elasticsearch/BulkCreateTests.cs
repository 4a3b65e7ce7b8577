using System.Net;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.Tests.TestSupport;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class BulkCreateTests
{
    private static readonly EmulatorOptions OnNov28 = new() { Time = new ManualTime(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)) };

    [Fact]
    public async Task Create_answers_201_with_the_backing_index_and_every_field_of_a_real_item()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(OnNov28);
        using var http = Client(es.Url);

        var (status, body) = await BulkAsync(http, Ndjson(Create("id-1"), Doc("hello")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("errors").GetBoolean());
        Assert.True(body.GetProperty("took").GetInt64() >= 0);
        var item = Item(body, 0);
        Assert.Equal(".ds-logs-kubernetes.container_logs-default-2026.11.28-000001", item.GetProperty("_index").GetString());
        Assert.Equal("id-1", item.GetProperty("_id").GetString());
        Assert.Equal(1, item.GetProperty("_version").GetInt64());
        Assert.Equal("created", item.GetProperty("result").GetString());
        Assert.Equal(2, item.GetProperty("_shards").GetProperty("total").GetInt32());
        Assert.Equal(1, item.GetProperty("_shards").GetProperty("successful").GetInt32());
        Assert.Equal(0, item.GetProperty("_shards").GetProperty("failed").GetInt32());
        Assert.Equal(0, item.GetProperty("_seq_no").GetInt64());
        Assert.Equal(1, item.GetProperty("_primary_term").GetInt64());
        Assert.Equal(201, item.GetProperty("status").GetInt32());
        Assert.True(es.IsDataStream(DataStream));
        Assert.Equal("hello", es.Document(DataStream, "id-1")!.Value.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Replaying_a_create_answers_409_and_keeps_the_first_source()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(OnNov28);
        using var http = Client(es.Url);
        await BulkAsync(http, Ndjson(Create("id-1"), Doc("first")));

        var (status, body) = await BulkAsync(http, Ndjson(Create("id-1"), Doc("second"), Create("id-2"), Doc("new")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("errors").GetBoolean());
        var conflict = Item(body, 0);
        Assert.Equal(409, conflict.GetProperty("status").GetInt32());
        Assert.Equal("id-1", conflict.GetProperty("_id").GetString());
        var error = conflict.GetProperty("error");
        Assert.Equal("version_conflict_engine_exception", error.GetProperty("type").GetString());
        Assert.Equal("[id-1]: version conflict, document already exists (current version [1])", error.GetProperty("reason").GetString());
        Assert.Equal("0", error.GetProperty("shard").GetString());
        Assert.Equal(es.WriteIndex(DataStream), error.GetProperty("index").GetString());
        Assert.False(conflict.TryGetProperty("_seq_no", out _));
        // A conflict takes no sequence number: the next write gets 1.
        Assert.Equal(1, Item(body, 1).GetProperty("_seq_no").GetInt64());
        Assert.Equal(["first", "new"], es.Documents(DataStream).Select(d => d.GetProperty("message").GetString()));
        Assert.Equal(1, es.Stats.ItemsConflict);
    }

    [Fact]
    public async Task Items_answer_in_request_order_and_a_missing_id_is_generated()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        var (_, body) = await BulkAsync(http, Ndjson(Create("b"), Doc("1"), Create(null), Doc("2"), Create("a"), Doc("3")));

        Assert.Equal("b", Item(body, 0).GetProperty("_id").GetString());
        var generated = Item(body, 1).GetProperty("_id").GetString()!;
        Assert.Equal(20, generated.Length);
        Assert.Equal("a", Item(body, 2).GetProperty("_id").GetString());
        Assert.Equal([0L, 1L, 2L], body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("create").GetProperty("_seq_no").GetInt64()));
        Assert.Equal(["b", generated, "a"], es.Ids(DataStream));
    }

    [Fact]
    public async Task Index_into_a_plain_index_creates_then_updates()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        var index = """{"index":{"_id":"x"}}""";

        var (_, first) = await BulkAsync(http, Ndjson(index, """{"message":"v1"}"""), "app-logs/_bulk");
        var (_, second) = await BulkAsync(http, Ndjson(index, """{"message":"v2"}"""), "app-logs/_bulk");

        Assert.Equal("app-logs", Item(first, 0, "index").GetProperty("_index").GetString());
        Assert.Equal(201, Item(first, 0, "index").GetProperty("status").GetInt32());
        Assert.Equal("updated", Item(second, 0, "index").GetProperty("result").GetString());
        Assert.Equal(200, Item(second, 0, "index").GetProperty("status").GetInt32());
        Assert.Equal(2, Item(second, 0, "index").GetProperty("_version").GetInt64());
        Assert.Equal("v2", es.Document("app-logs", "x")!.Value.GetProperty("message").GetString());
        Assert.False(es.IsDataStream("app-logs"));
    }

    [Fact]
    public async Task The_index_in_the_action_line_wins_over_the_path_and_the_source_is_kept_byte_for_byte()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        var source = """{ "@timestamp" : "2026-11-28T10:15:00Z",  "message":"caf\u00e9 \"q\"" }""";

        await BulkAsync(http, Ndjson("""{"create":{"_index":"other","_id":"1"}}""", source), "/_bulk");

        Assert.Equal(1, es.Count("other"));
        Assert.Equal(source, System.Text.Encoding.UTF8.GetString(es.RawDocument("other", "1")!.Value.Span));
    }
}
