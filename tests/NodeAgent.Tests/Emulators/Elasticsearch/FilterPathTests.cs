using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class FilterPathTests
{
    [Fact]
    public async Task The_agent_s_filter_path_keeps_only_errors_and_each_item_s_status_and_error()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings { MappingError = new MappingErrorRule("message", d => d.GetProperty("message").GetString() == "poison") };
        using var http = Client(es.Url);

        var (_, body) = await BulkAsync(http, Ndjson(Create("a"), Doc("fine"), Create("b"), Doc("poison"), Create("a"), Doc("fine")),
            DataStream + "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason");

        Assert.Equal(["errors", "items"], body.EnumerateObject().Select(p => p.Name));
        Assert.True(body.GetProperty("errors").GetBoolean());
        var items = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("create")).ToList();
        Assert.Equal([201, 400, 409], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.Equal(["status"], items[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["type", "reason"], items[1].GetProperty("error").EnumerateObject().Select(p => p.Name));
        Assert.Equal("version_conflict_engine_exception", items[2].GetProperty("error").GetProperty("type").GetString());
    }
}
