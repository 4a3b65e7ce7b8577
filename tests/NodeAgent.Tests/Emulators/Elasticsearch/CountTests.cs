using System.Net;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class CountTests
{
    [Fact]
    public async Task Count_answers_the_number_of_documents_with_shard_totals()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        await BulkAsync(http, Ndjson(Create("1"), Doc("a"), Create("2"), Doc("b"), Create("1"), Doc("again")));

        using var get = await http.GetAsync(DataStream + "/_count");
        using var post = await http.PostAsync(DataStream + "/_count", new StringContent("""{"query":{"match_all":{}}}""", System.Text.Encoding.UTF8, "application/json"));
        var body = await JsonAsync(get);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(2, body.GetProperty("count").GetInt64());
        Assert.Equal(1, body.GetProperty("_shards").GetProperty("total").GetInt32());
        Assert.Equal(1, body.GetProperty("_shards").GetProperty("successful").GetInt32());
        Assert.Equal(0, body.GetProperty("_shards").GetProperty("failed").GetInt32());
        Assert.Equal(2, (await JsonAsync(post)).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task An_unknown_target_is_404_but_an_empty_wildcard_counts_0()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        using var missing = await http.GetAsync("nothing-here/_count");
        using var wildcard = await http.GetAsync("nothing-*/_count");
        var body = await JsonAsync(missing);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        BulkFormatTests.AssertError(body, 404, "index_not_found_exception");
        Assert.Equal("no such index [nothing-here]", body.GetProperty("error").GetProperty("reason").GetString());
        Assert.Equal("nothing-here", body.GetProperty("error").GetProperty("index").GetString());
        Assert.Equal(0, (await JsonAsync(wildcard)).GetProperty("count").GetInt64());
    }
}
