using System.Text;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class MappingErrorTests
{
    [Fact]
    public async Task A_chosen_document_fails_to_map_alone_with_document_parsing_exception()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        es.Faults = new FaultSettings
        {
            MappingError = new MappingErrorRule("message", d => d.GetProperty("message").GetString() == "poison"),
        };
        using var http = Client(es.Url);

        var (_, body) = await BulkAsync(http, Ndjson(Create("ok-1"), Doc("fine"), Create("bad"), Doc("poison"), Create("ok-2"), Doc("fine")));

        var failed = Item(body, 1);
        Assert.Equal(400, failed.GetProperty("status").GetInt32());
        Assert.Equal("bad", failed.GetProperty("_id").GetString());
        var error = failed.GetProperty("error");
        Assert.Equal("document_parsing_exception", error.GetProperty("type").GetString());
        // The column is where the value of "message" starts in the source line.
        Assert.Equal("[1:58] failed to parse field [message] of type [long] in document with id 'bad'. Preview of field's value: 'poison'",
            error.GetProperty("reason").GetString());
        Assert.Equal("illegal_argument_exception", error.GetProperty("caused_by").GetProperty("type").GetString());
        Assert.Equal(201, Item(body, 0).GetProperty("status").GetInt32());
        Assert.Equal(201, Item(body, 2).GetProperty("status").GetInt32());
        Assert.Equal(["ok-1", "ok-2"], es.Ids(DataStream));
        Assert.Equal(1, es.Stats.ItemsMappingError);
    }

    [Fact]
    public async Task The_control_surface_sets_a_rule_on_a_dotted_field()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        using var set = await http.PostAsync("_emulator/faults",
            new StringContent("""{"mapping_error":{"field":"kubernetes.pod.name","contains":"bad-pod"}}""", Encoding.UTF8, "application/json"));

        var (_, body) = await BulkAsync(http, Ndjson(
            Create("1"), """{"@timestamp":"2026-11-28T00:00:00Z","kubernetes":{"pod":{"name":"bad-pod-7"}}}""",
            Create("2"), """{"@timestamp":"2026-11-28T00:00:00Z","kubernetes.pod.name":"good-pod"}"""));

        Assert.Equal("kubernetes.pod.name", (await JsonAsync(set)).GetProperty("mapping_error").GetProperty("field").GetString());
        Assert.Equal(400, Item(body, 0).GetProperty("status").GetInt32());
        Assert.Contains("Preview of field's value: 'bad-pod-7'", Item(body, 0).GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(201, Item(body, 1).GetProperty("status").GetInt32());
    }
}
