using System.Net;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class IndexTemplateTests
{
    [Fact]
    public async Task A_template_is_stored_and_returned_as_sent()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        const string Template = """{"index_patterns":["logs-kubernetes.container_logs-*"],"data_stream":{},"priority":200,"template":{"settings":{"index.number_of_shards":1}}}""";

        using var absent = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "_index_template/node-agent"));
        using var put = await http.PutAsync("_index_template/node-agent", new StringContent(Template, Encoding.UTF8, "application/json"));
        using var present = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "_index_template/node-agent"));
        using var get = await http.GetAsync("_index_template/node-agent");
        var body = await JsonAsync(get);

        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
        Assert.True((await JsonAsync(put)).GetProperty("acknowledged").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, present.StatusCode);
        var entry = Assert.Single(body.GetProperty("index_templates").EnumerateArray());
        Assert.Equal("node-agent", entry.GetProperty("name").GetString());
        Assert.Equal(200, entry.GetProperty("index_template").GetProperty("priority").GetInt32());
        Assert.Equal("logs-kubernetes.container_logs-*", entry.GetProperty("index_template").GetProperty("index_patterns")[0].GetString());
    }

    [Fact]
    public async Task A_missing_template_is_404_resource_not_found()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        using var response = await http.GetAsync("_index_template/none");
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        BulkFormatTests.AssertError(body, 404, "resource_not_found_exception");
        Assert.Equal("index template matching [none] not found", body.GetProperty("error").GetProperty("reason").GetString());
    }
}
