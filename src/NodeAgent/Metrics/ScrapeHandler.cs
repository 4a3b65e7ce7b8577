using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics;

/// <summary>GET /metrics: negotiates the exposition format and gzip, selects collectors (<c>collect[]</c>,
/// <c>exclude[]</c>), and writes every family collected now.</summary>
/// <param name="exporterMetrics">node_exporter's handler families (<c>promhttp_metric_handler_*</c>) too: off with
/// <c>Metrics:AgentMetrics=false</c>, as node_exporter's <c>--web.disable-exporter-metrics</c> drops them.</param>
internal sealed class ScrapeHandler(CollectorRegistry registry, CollectorRunner runner, IEnumerable<IAgentMetrics> agentMetrics, bool exporterMetrics = true) : IDisposable
{
    // Rendering is serialized (the collectors run one scrape at a time anyway); sending is not. Each scrape renders
    // into a buffer it owns until its response is sent, so a client that stops reading delays no other scrape.
    private readonly ExpositionBuffers _buffers = new();
    private readonly SemaphoreSlim _rendering = new(1, 1);
    private readonly ScrapeRequests _requests = new();

    /// <summary>Kestrel's default minimum response rate (240 bytes/s after a 5 s grace) is budgeted per write, as
    /// the write's size divided by the rate: a 4 MB body would let a client that stopped reading hold its
    /// connection and the memory of its body for 4.6 hours. Here a scraper must take the body at
    /// 256 KiB/s (2 Mbit/s: within Prometheus's default 10 s timeout, a body above 2.5 MB already needs more) and
    /// never stall for longer than 10 s, that default timeout; else Kestrel closes the connection.</summary>
    internal static readonly MinDataRate SlowestScraper = new(bytesPerSecond: 256 * 1024, gracePeriod: TimeSpan.FromSeconds(10));

    // Writes of this size keep Kestrel's own copy of a large body at its response buffer (64 KiB by default) and
    // let the rate above count from the last progress, not from the start of one multi-MB write.
    private const int WriteChunk = 64 * 1024;

    internal ExpositionBuffers Buffers => _buffers;

    public void Dispose() => _rendering.Dispose();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var selection = CollectorSelection.Select(registry.Enabled, request.Query["collect[]"], request.Query["exclude[]"]);
        if (selection.Error is { } error)
        {
            await WritePlainAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        _requests.Started();
        try
        {
            await RenderAndSendAsync(context, selection.Collectors);
        }
        finally
        {
            _requests.Ended();
        }
    }

    private async Task RenderAndSendAsync(HttpContext context, IReadOnlyList<INodeCollector> collectors)
    {
        var response = context.Response;
        if (_buffers.TryRent() is not { } buffer)
        {
            _requests.Refused();
            response.Headers.RetryAfter = "1";
            await WritePlainAsync(context, StatusCodes.Status503ServiceUnavailable, $"{ExpositionBuffers.MaxInFlight} scrapes are in flight already; try again later");
            return;
        }

        try
        {
            var format = WantsOpenMetrics(context.Request.Headers.Accept.ToString()) ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText;
            await _rendering.WaitAsync(context.RequestAborted);
            try
            {
                await RenderAsync(collectors, new MetricWriter(buffer, format), context.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _requests.RenderingFailed();
                throw;
            }
            finally
            {
                _rendering.Release();
            }

            response.ContentType = format == ExpositionFormat.OpenMetrics ? MetricWriter.OpenMetricsContentType : MetricWriter.TextContentType;
            response.Headers.Vary = "Accept, Accept-Encoding";
            try
            {
                await SendAsync(context, buffer.WrittenMemory);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                _requests.SendingFailed();
                throw;
            }

            _requests.Served();
        }
        finally
        {
            // Kestrel copies what is written into its own buffers before a write returns: the buffer is free now.
            _buffers.Return(buffer);
        }
    }

    private async Task RenderAsync(IReadOnlyList<INodeCollector> collectors, MetricWriter writer, CancellationToken cancellation)
    {
        await runner.WriteAsync(collectors, writer, cancellation);
        WriteBuildInfo(writer);
        foreach (var metrics in agentMetrics)
        {
            metrics.Write(writer);
        }

        if (exporterMetrics)
        {
            _requests.Write(writer);
        }

        writer.Finish();
    }

    private static async Task SendAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        // HTTP/1.x only: an HTTP/2 request has no per-request rate (the server-wide limit and flow control apply).
        if (context.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = SlowestScraper;
        }

        var response = context.Response;
        var cancellation = context.RequestAborted;
        if (AcceptsGzip(context.Request.Headers.AcceptEncoding.ToString()))
        {
            // The compressor writes its output to the response in pieces of its own buffer's size.
            response.Headers.ContentEncoding = "gzip";
            await using var gzip = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(body, cancellation);
            return;
        }

        response.ContentLength = body.Length;
        for (var offset = 0; offset < body.Length; offset += WriteChunk)
        {
            await response.Body.WriteAsync(body.Slice(offset, Math.Min(WriteChunk, body.Length - offset)), cancellation);
        }
    }

    private static Task WritePlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    /// <summary>Prometheus asks for OpenMetrics with <c>application/openmetrics-text</c> in Accept (with a q-value
    /// ranking); a plain scrape or curl gets the text format, as from node_exporter.</summary>
    internal static bool WantsOpenMetrics(string accept) =>
        accept.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase);

    internal static bool AcceptsGzip(string acceptEncoding)
    {
        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            if (!string.Equals(pieces[0], "gzip", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // "gzip;q=0" means "anything but gzip" (RFC 9110 12.5.3).
            var q = pieces.Skip(1).FirstOrDefault(p => p.StartsWith("q=", StringComparison.OrdinalIgnoreCase));
            return q is null || !double.TryParse(q.AsSpan(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var weight) || weight > 0;
        }

        return false;
    }

    private static void WriteBuildInfo(MetricWriter writer)
    {
        writer.Family("nodeagent_build_info", MetricType.Gauge, "A metric with a constant '1' value labeled by the version of the agent and of the .NET runtime it was built with.");
        writer.Sample(1, "runtime", Environment.Version.ToString(), "version", AgentVersion.Current);
    }
}
