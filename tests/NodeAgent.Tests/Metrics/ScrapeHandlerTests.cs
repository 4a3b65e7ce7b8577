using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Metrics;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics;

/// <summary>A scrape owns its buffer until its response is sent (tests/NodeAgent.EndToEnd SlowScraperTests shows a
/// client that never reads delaying no other scrape); these pin the bounds around that.</summary>
public sealed class ScrapeHandlerTests
{
    private sealed class RateFeature : IHttpMinResponseDataRateFeature
    {
        public MinDataRate? MinDataRate { get; set; } = new(240, TimeSpan.FromSeconds(5));
    }

    private static ScrapeHandler Handler()
    {
        var context = new CollectorContext(CollectorHarness.FixtureNode, TimeProvider.System, NullLoggerFactory.Instance);
        var only = new Dictionary<string, bool>(StringComparer.Ordinal) { ["loadavg"] = true };
        var registry = CollectorRegistry.Create(context, new MetricsOptions(true, only, TimeSpan.FromSeconds(5)));
        var runner = new CollectorRunner(TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger<CollectorRunner>.Instance);
        return new ScrapeHandler(registry, runner, []);
    }

    private static async Task<(int Status, string Body)> ScrapeAsync(ScrapeHandler handler, RateFeature? rate = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/metrics";
        context.Response.Body = new MemoryStream();
        if (rate is not null)
        {
            context.Features.Set<IHttpMinResponseDataRateFeature>(rate);
        }

        await handler.HandleAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Fact]
    public void A_buffer_is_reused_once_returned_and_never_handed_out_while_held()
    {
        var buffers = new ExpositionBuffers();
        var first = buffers.TryRent()!;
        first.Write(new byte[300_000]);
        buffers.Return(first);

        var again = buffers.TryRent()!;
        Assert.Same(first, again);
        Assert.Equal(0, again.WrittenCount);

        // Held by a slow client: the next scrape gets its own, sized like the last body so it is not regrown.
        var other = buffers.TryRent()!;
        Assert.NotSame(again, other);
        Assert.True(other.Capacity >= 300_000, $"capacity {other.Capacity}");
        Assert.Equal(2, buffers.InFlight);

        // Only a few are kept: the third buffer returned is left to the GC.
        var third = buffers.TryRent()!;
        buffers.Return(again);
        buffers.Return(other);
        buffers.Return(third);
        Assert.Equal(0, buffers.InFlight);
        var kept = new[] { buffers.TryRent(), buffers.TryRent(), buffers.TryRent() };
        Assert.Equal(2, kept.Count(b => ReferenceEquals(b, again) || ReferenceEquals(b, other) || ReferenceEquals(b, third)));
    }

    [Fact]
    public async Task A_scrape_beyond_the_in_flight_cap_is_refused_with_503_and_served_once_one_ends()
    {
        using var handler = Handler();
        var held = new List<ArrayBufferWriter<byte>>();
        for (var i = 0; i < ExpositionBuffers.MaxInFlight; i++)
        {
            held.Add(handler.Buffers.TryRent()!);
        }

        var (status, body) = await ScrapeAsync(handler);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Contains("in flight", body, StringComparison.Ordinal);

        handler.Buffers.Return(held[0]);
        (status, body) = await ScrapeAsync(handler);
        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Contains("\nnode_load1 ", body, StringComparison.Ordinal);
        Assert.Equal(ExpositionBuffers.MaxInFlight - 1, handler.Buffers.InFlight);
    }

    [Fact]
    public async Task Node_exporters_handler_families_count_this_scrape_in_flight_and_earlier_ones_by_status()
    {
        using var handler = Handler();
        var (_, first) = await ScrapeAsync(handler);

        Assert.Contains(
            """
            # HELP promhttp_metric_handler_errors_total Total number of internal errors encountered by the promhttp metric handler.
            # TYPE promhttp_metric_handler_errors_total counter
            promhttp_metric_handler_errors_total{cause="encoding"} 0
            promhttp_metric_handler_errors_total{cause="gathering"} 0
            # HELP promhttp_metric_handler_requests_in_flight Current number of scrapes being served.
            # TYPE promhttp_metric_handler_requests_in_flight gauge
            promhttp_metric_handler_requests_in_flight 1
            # HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.
            # TYPE promhttp_metric_handler_requests_total counter
            promhttp_metric_handler_requests_total{code="200"} 0
            promhttp_metric_handler_requests_total{code="500"} 0
            promhttp_metric_handler_requests_total{code="503"} 0

            """, first, StringComparison.Ordinal);

        var held = Enumerable.Range(0, ExpositionBuffers.MaxInFlight).Select(_ => handler.Buffers.TryRent()!).ToList();
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, (await ScrapeAsync(handler)).Status);
        handler.Buffers.Return(held[0]);
        var (_, third) = await ScrapeAsync(handler);

        Assert.Contains("promhttp_metric_handler_requests_total{code=\"200\"} 1\n", third, StringComparison.Ordinal);
        Assert.Contains("promhttp_metric_handler_requests_total{code=\"503\"} 1\n", third, StringComparison.Ordinal);
        Assert.Contains("promhttp_metric_handler_requests_in_flight 1\n", third, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scrape_asks_Kestrel_to_drop_a_client_that_stops_reading_within_seconds()
    {
        using var handler = Handler();
        var rate = new RateFeature();
        var (status, _) = await ScrapeAsync(handler, rate);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Same(ScrapeHandler.SlowestScraper, rate.MinDataRate);
        Assert.Equal(TimeSpan.FromSeconds(10), rate.MinDataRate!.GracePeriod);
        Assert.Equal(256 * 1024, rate.MinDataRate.BytesPerSecond);
    }
}
