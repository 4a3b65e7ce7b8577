using System.Net;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Elasticsearch;

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
}
