using System.Net;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

/// <summary>The emulator's <c>http.max_content_length</c>: a body over it is 413 with nothing applied.</summary>
public sealed class MaxContentLengthTests
{
    [Fact]
    public async Task A_body_over_the_limit_is_413_and_stores_nothing_while_one_under_it_is_applied()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        var small = Ndjson(Create("1"), Doc("small"));
        var large = Ndjson(Create("2"), Doc(new string('x', 2_000)));
        es.Faults = new FaultSettings { MaxContentLength = 1_000 };

        using var refused = await http.PostAsync(DataStream + "/_bulk", Content(large));
        using var taken = await http.PostAsync(DataStream + "/_bulk", Content(small));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Empty(await refused.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(1, es.Count(DataStream));
        Assert.Equal(1, es.Stats.RequestsByStatus[413]);
    }

    [Fact]
    public async Task The_limit_is_set_and_cleared_on_the_control_surface()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        using var set = await http.PostAsync("/_emulator/faults", new StringContent("""{"max_content_length":4096}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(4096, es.Faults.MaxContentLength);
        using var cleared = await http.PostAsync("/_emulator/faults", new StringContent("""{"max_content_length":null}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Null(es.Faults.MaxContentLength);
    }
}
