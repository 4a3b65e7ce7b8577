using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class ItemRejectionTests
{
    private static string Batch(int count) =>
        Ndjson(Enumerable.Range(0, count).SelectMany(i => new[] { Create($"d{i}"), Doc("line " + i) }).ToArray());

    [Fact]
    public async Task A_ratio_of_items_is_rejected_429_inside_a_200_and_not_stored()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Seed = 7 });
        es.Faults = new FaultSettings { ItemRejectionRatio = 0.3 };
        using var http = Client(es.Url);

        var (status, body) = await BulkAsync(http, Batch(200));

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("errors").GetBoolean());
        var items = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("create")).ToList();
        var rejected = items.Where(i => i.GetProperty("status").GetInt32() == 429).ToList();
        Assert.InRange(rejected.Count, 35, 85);
        Assert.All(rejected, r =>
        {
            Assert.Equal("es_rejected_execution_exception", r.GetProperty("error").GetProperty("type").GetString());
            Assert.StartsWith("rejected execution of ", r.GetProperty("error").GetProperty("reason").GetString());
            Assert.DoesNotContain(r.GetProperty("_id").GetString(), es.Ids(DataStream));
        });
        Assert.Equal(200 - rejected.Count, es.Count(DataStream));
        Assert.Equal(rejected.Count, es.Stats.ItemsRejected);
    }

    [Fact]
    public async Task The_same_seed_rejects_the_same_items()
    {
        async Task<string[]> RejectedIds()
        {
            await using var es = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { Seed = 42 });
            es.Faults = new FaultSettings { ItemRejectionRatio = 0.5 };
            using var http = Client(es.Url);
            var (_, body) = await BulkAsync(http, Batch(40));
            return body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("create"))
                .Where(i => i.GetProperty("status").GetInt32() == 429).Select(i => i.GetProperty("_id").GetString()!).ToArray();
        }

        Assert.Equal(await RejectedIds(), await RejectedIds());
    }
}
