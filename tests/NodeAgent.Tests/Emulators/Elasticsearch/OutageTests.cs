using System.Net;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

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

    [Fact]
    public async Task A_stalled_body_applies_the_bulk_sends_half_its_answer_and_holds_the_rest()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        using var set = await http.PostAsync("_emulator/faults", new StringContent("""{"outage":"stall_body"}""", Encoding.UTF8, "application/json"));

        using var request = new HttpRequestMessage(HttpMethod.Post, DataStream + "/_bulk") { Content = Content(Ndjson(Create("1"), Doc("x"))) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var received = 0;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var stalled = false;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(received), patience.Token)) > 0)
            {
                received += read;
            }
        }
        catch (OperationCanceledException)
        {
            stalled = true;
        }

        Assert.Equal(OutageMode.StallBody, es.Faults.Outage);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(stalled, "the body ended");
        Assert.InRange(received, 1, response.Content.Headers.ContentLength!.Value - 1);
        Assert.Equal(1, es.Count(DataStream));
        Assert.Equal(1, es.Stats.StalledAnswers);
    }
}
