using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class CountOnlyModeTests
{
    [Fact]
    public async Task Count_only_keeps_ids_for_the_409_rule_but_no_sources()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { CountOnly = true });
        using var http = Client(es.Url);
        var batch = Ndjson(Enumerable.Range(0, 2_000).SelectMany(i => new[] { Create($"c{i}"), Doc("line") }).ToArray());

        var (_, first) = await BulkAsync(http, batch, gzip: true);
        var (_, replay) = await BulkAsync(http, batch, gzip: true);

        Assert.False(first.GetProperty("errors").GetBoolean());
        Assert.All(replay.GetProperty("items").EnumerateArray(), i => Assert.Equal(409, i.GetProperty("create").GetProperty("status").GetInt32()));
        Assert.Equal(2_000, es.Count(DataStream));
        Assert.Equal(2_000, es.Stats.ItemsConflict);
        Assert.Throws<InvalidOperationException>(() => es.Documents(DataStream));
    }
}
