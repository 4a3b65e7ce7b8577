using System.Net;
using NodeAgent.ElasticsearchEmulation;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class ClusterInfoTests
{
    [Fact]
    public async Task Root_answers_cluster_info_with_the_product_header()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = EmulatorHttp.Client(es.Url);

        using var response = await http.GetAsync("/");
        var body = await EmulatorHttp.JsonAsync(response);

        // Clients refuse a 2xx without this header: "the server is not Elasticsearch".
        Assert.Equal("Elasticsearch", Assert.Single(response.Headers.GetValues("X-Elastic-Product")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("8.15.0", body.GetProperty("version").GetProperty("number").GetString());
        Assert.Equal("You Know, for Search", body.GetProperty("tagline").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("cluster_name").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("cluster_uuid").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Wrong_methods_and_unknown_paths_answer_like_the_rest_layer()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = EmulatorHttp.Client(es.Url);

        using var wrongMethod = await http.GetAsync("/_bulk");
        using var unknown = await http.GetAsync("/a/b/c");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("Incorrect HTTP method for uri [/_bulk] and method [GET], allowed: [POST, PUT]",
            (await EmulatorHttp.JsonAsync(wrongMethod)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("no handler found for uri [/a/b/c] and method [GET]", (await EmulatorHttp.JsonAsync(unknown)).GetProperty("error").GetString());
        Assert.Equal("Elasticsearch", Assert.Single(unknown.Headers.GetValues("X-Elastic-Product")));
    }
}
