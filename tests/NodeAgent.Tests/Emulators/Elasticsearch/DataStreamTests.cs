using System.Net;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class DataStreamTests
{
    [Fact]
    public async Task An_index_action_into_a_data_stream_fails_alone_with_400()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        var (status, body) = await BulkAsync(http, Ndjson("""{"index":{"_id":"i"}}""", Doc("no"), Create("c"), Doc("yes")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("errors").GetBoolean());
        var rejected = Item(body, 0, "index");
        Assert.Equal(400, rejected.GetProperty("status").GetInt32());
        Assert.Equal(DataStream, rejected.GetProperty("_index").GetString());
        Assert.Equal("illegal_argument_exception", rejected.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("only write ops with an op_type of create are allowed in data streams", rejected.GetProperty("error").GetProperty("reason").GetString());
        Assert.Equal(201, Item(body, 1).GetProperty("status").GetInt32());
        Assert.Equal(["c"], es.Ids(DataStream));
    }

    [Fact]
    public async Task A_document_without_timestamp_fails_to_parse_in_a_data_stream_only()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        var noTimestamp = """{"message":"when?"}""";

        var (_, stream) = await BulkAsync(http, Ndjson(Create("1"), noTimestamp));
        var (_, plain) = await BulkAsync(http, Ndjson(Create("1"), noTimestamp), "plain/_bulk");

        var item = Item(stream, 0);
        Assert.Equal(400, item.GetProperty("status").GetInt32());
        Assert.Equal(es.WriteIndex(DataStream), item.GetProperty("_index").GetString());
        var error = item.GetProperty("error");
        Assert.Equal("document_parsing_exception", error.GetProperty("type").GetString());
        Assert.EndsWith("failed to parse: data stream timestamp field [@timestamp] is missing", error.GetProperty("reason").GetString());
        Assert.StartsWith("[1:", error.GetProperty("reason").GetString());
        Assert.Equal("data stream timestamp field [@timestamp] is missing", error.GetProperty("caused_by").GetProperty("reason").GetString());
        Assert.Equal(201, Item(plain, 0).GetProperty("status").GetInt32());
        Assert.Equal(1, es.Stats.ItemsMappingError);
    }

    [Fact]
    public async Task A_template_with_data_stream_turns_its_pattern_into_streams()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        using var template = new StringContent("""{"index_patterns":["audit-*"],"data_stream":{},"priority":200}""", Encoding.UTF8, "application/json");
        (await http.PutAsync("_index_template/audit", template)).EnsureSuccessStatusCode();

        var (_, body) = await BulkAsync(http, Ndjson(Create("1"), Doc("x")), "audit-k8s/_bulk");

        Assert.StartsWith(".ds-audit-k8s-", Item(body, 0).GetProperty("_index").GetString());
        Assert.True(es.IsDataStream("audit-k8s"));
    }

    private static string Named(string type, string dataset, string ns, string message = "x") =>
        $$$"""{"@timestamp":"2026-11-28T10:15:00Z","message":"{{{message}}}","data_stream":{"type":"{{{type}}}","dataset":"{{{dataset}}}","namespace":"{{{ns}}}"},"event":{"dataset":"{{{dataset}}}"}}""";

    [Fact]
    public async Task A_document_whose_data_stream_fields_differ_from_the_streams_is_refused_alone()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        // The built-in logs template maps data_stream.* as constant_keyword: the first document fixes dataset and
        // namespace; one naming another stream is then refused, per item, as by ConstantKeywordFieldMapper.
        var first = Named("logs", "myapp", "prod");
        var other = Named("logs", "kubernetes.container_logs", "default");
        var (status, body) = await BulkAsync(http, Ndjson(Create("1"), first, Create("2"), other, Create("3"), first), "logs-myapp-prod/_bulk");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("errors").GetBoolean());
        var refused = Item(body, 1);
        Assert.Equal(400, refused.GetProperty("status").GetInt32());
        Assert.Equal(es.WriteIndex("logs-myapp-prod"), refused.GetProperty("_index").GetString());
        var error = refused.GetProperty("error");
        Assert.Equal("document_parsing_exception", error.GetProperty("type").GetString());
        var column = other.IndexOf("\"kubernetes.container_logs\"", StringComparison.Ordinal) + 1;
        Assert.Equal($"[1:{column}] failed to parse field [data_stream.dataset] of type [constant_keyword] in document with id '2'. Preview of field's value: 'kubernetes.container_logs'",
            error.GetProperty("reason").GetString());
        Assert.Equal("illegal_argument_exception", error.GetProperty("caused_by").GetProperty("type").GetString());
        Assert.Equal("[constant_keyword] field [data_stream.dataset] only accepts values that are equal to the value defined in the mappings [myapp], but got [kubernetes.container_logs]",
            error.GetProperty("caused_by").GetProperty("reason").GetString());
        Assert.Equal(201, Item(body, 0).GetProperty("status").GetInt32());
        Assert.Equal(201, Item(body, 2).GetProperty("status").GetInt32());
        Assert.Equal(["1", "3"], es.Ids("logs-myapp-prod"));
        Assert.Equal(1, es.Stats.ItemsMappingError);
    }

    [Fact]
    public async Task The_built_in_template_fixes_the_type_before_any_document()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        var (_, body) = await BulkAsync(http, Ndjson(Create("1"), Named("metrics", "myapp", "prod")), "logs-myapp-prod/_bulk");

        Assert.Equal(400, Item(body, 0).GetProperty("status").GetInt32());
        Assert.Contains("[constant_keyword] field [data_stream.type] only accepts values that are equal to the value defined in the mappings [logs], but got [metrics]",
            Item(body, 0).GetProperty("error").GetProperty("caused_by").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, es.Count("logs-myapp-prod"));
    }

    [Fact]
    public async Task A_refused_document_fixes_nothing_and_dotted_names_count_as_nested_ones()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        // Refused for its type: its dataset does not become the stream's.
        var (_, refused) = await BulkAsync(http, Ndjson(Create("1"), Named("metrics", "wrong", "prod")), "logs-myapp-prod/_bulk");
        var dotted = """{"@timestamp":"2026-11-28T10:15:00Z","data_stream.type":"logs","data_stream.dataset":"myapp","data_stream.namespace":"prod"}""";
        var (_, body) = await BulkAsync(http, Ndjson(Create("2"), dotted, Create("3"), Named("logs", "myapp", "staging")), "logs-myapp-prod/_bulk");

        Assert.Equal(400, Item(refused, 0).GetProperty("status").GetInt32());
        Assert.Equal(201, Item(body, 0).GetProperty("status").GetInt32());
        Assert.Equal(400, Item(body, 1).GetProperty("status").GetInt32());
        Assert.Contains("field [data_stream.namespace] of type [constant_keyword]", Item(body, 1).GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_s_constant_keyword_value_holds_from_the_first_document_and_plain_indices_take_anything()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        // As an integration's template does: the values are in the mapping before any document arrives.
        using var template = new StringContent("""
            {"index_patterns":["logs-myapp-*"],"data_stream":{},"priority":200,"template":{"mappings":{"properties":{
              "data_stream":{"properties":{"type":{"type":"constant_keyword","value":"logs"},"dataset":{"type":"constant_keyword","value":"myapp"}}},
              "data_stream.namespace":{"type":"constant_keyword","value":"prod"}}}}}
            """, Encoding.UTF8, "application/json");
        (await http.PutAsync("_index_template/myapp", template)).EnsureSuccessStatusCode();

        var (_, stream) = await BulkAsync(http, Ndjson(Create("1"), Named("logs", "kubernetes.container_logs", "default"), Create("2"), Named("logs", "myapp", "prod")), "logs-myapp-prod/_bulk");
        var (_, plain) = await BulkAsync(http, Ndjson(Create("1"), Named("logs", "a", "b"), Create("2"), Named("logs", "c", "d")), "app-logs/_bulk");

        Assert.Equal(400, Item(stream, 0).GetProperty("status").GetInt32());
        Assert.Equal(201, Item(stream, 1).GetProperty("status").GetInt32());
        Assert.False(plain.GetProperty("errors").GetBoolean());
        Assert.Equal(2, es.Count("app-logs"));
    }
}
