using System.Net;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Elasticsearch;

public sealed class OutageTests
{
    [Fact]
    public async Task An_unavailable_cluster_answers_every_request_503_until_lifted()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        es.Faults = new FaultSettings { Outage = OutageMode.Unavailable };

        using var root = await http.GetAsync("/");
        var (bulkStatus, bulk) = await BulkAsync(http, Ndjson(Create("1"), Doc("x")));
        es.UpdateFaults(f => f with { Outage = OutageMode.None });
        var (afterStatus, _) = await BulkAsync(http, Ndjson(Create("1"), Doc("x")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, root.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, bulkStatus);
        BulkFormatTests.AssertError(bulk, 503, "cluster_block_exception");
        Assert.Equal(HttpStatusCode.OK, afterStatus);
        Assert.Equal(1, es.Count(DataStream));
    }

    [Fact]
    public async Task Resetting_connections_fails_requests_while_the_control_surface_still_answers()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        es.Faults = new FaultSettings { Outage = OutageMode.ResetConnections };

        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(DataStream + "/_bulk", Content(Ndjson(Create("1"), Doc("x")))));
        using var lift = await http.PostAsync("_emulator/faults", new StringContent("""{"outage":"none"}""", Encoding.UTF8, "application/json"));
        var (status, _) = await BulkAsync(http, Ndjson(Create("1"), Doc("x")));

        Assert.Equal(HttpStatusCode.OK, lift.StatusCode);
        Assert.Equal(OutageMode.None, es.Faults.Outage);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, es.Stats.DroppedConnections);
    }
}
