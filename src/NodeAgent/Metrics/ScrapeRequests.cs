using NodeAgent.Telemetry;

namespace NodeAgent.Metrics;

/// <summary>
/// node_exporter's own handler families (client_golang's promhttp.InstrumentMetricHandler), which node_exporter serves
/// on every scrape beside the node's: the scrapes being served, this one included; the scrapes answered so far by
/// status (200, and 503 beyond the in-flight cap; 500 when rendering failed), this one not yet counted; and the
/// rendering ("gathering") and sending ("encoding") errors. A scrape refused for a bad <c>collect[]</c> is not
/// counted, as node_exporter answers it before its promhttp handler.
/// </summary>
internal sealed class ScrapeRequests
{
    private long _inFlight;
    private long _ok;
    private long _failed;
    private long _refused;
    private long _gatheringErrors;
    private long _encodingErrors;

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Ended() => Interlocked.Decrement(ref _inFlight);

    public void Served() => Interlocked.Increment(ref _ok);

    public void Refused() => Interlocked.Increment(ref _refused);

    public void RenderingFailed()
    {
        Interlocked.Increment(ref _gatheringErrors);
        Interlocked.Increment(ref _failed);
    }

    public void SendingFailed() => Interlocked.Increment(ref _encodingErrors);

    public void Write(MetricWriter writer)
    {
        writer.Family("promhttp_metric_handler_errors_total", MetricType.Counter, "Total number of internal errors encountered by the promhttp metric handler.");
        writer.Sample(Interlocked.Read(ref _encodingErrors), "cause", "encoding");
        writer.Sample(Interlocked.Read(ref _gatheringErrors), "cause", "gathering");
        writer.Family("promhttp_metric_handler_requests_in_flight", MetricType.Gauge, "Current number of scrapes being served.");
        writer.Sample(Interlocked.Read(ref _inFlight));
        writer.Family("promhttp_metric_handler_requests_total", MetricType.Counter, "Total number of scrapes by HTTP status code.");
        writer.Sample(Interlocked.Read(ref _ok), "code", "200");
        writer.Sample(Interlocked.Read(ref _failed), "code", "500");
        writer.Sample(Interlocked.Read(ref _refused), "code", "503");
    }
}
