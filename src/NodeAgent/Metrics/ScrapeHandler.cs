using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using NodeAgent.Hosting;

namespace NodeAgent.Metrics;

/// <summary>GET /metrics: negotiates the exposition format and gzip, selects collectors (<c>collect[]</c>,
/// <c>exclude[]</c>), and writes every family collected now.</summary>
internal sealed class ScrapeHandler(CollectorRegistry registry, CollectorRunner runner, IEnumerable<IAgentMetrics> agentMetrics) : IDisposable
{
    // The exposition buffer is kept between scrapes (scrapes are serialized anyway): a full node scrape is ~100 KiB,
    // and allocating it each time would put a large-object allocation on every scrape.
    private readonly ArrayBufferWriter<byte> _buffer = new(128 * 1024);
    private readonly SemaphoreSlim _bufferInUse = new(1, 1);

    public void Dispose() => _bufferInUse.Dispose();

    public async Task HandleAsync(HttpContext context)
    {
        await _bufferInUse.WaitAsync(context.RequestAborted);
        try
        {
            _buffer.ResetWrittenCount();
            await HandleLockedAsync(context, _buffer);
        }
        finally
        {
            _bufferInUse.Release();
        }
    }

    private async Task HandleLockedAsync(HttpContext context, ArrayBufferWriter<byte> buffer)
    {
        var request = context.Request;
        var response = context.Response;
        var selection = CollectorSelection.Select(registry.Enabled, request.Query["collect[]"], request.Query["exclude[]"]);
        if (selection.Error is { } error)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(error + "\n", context.RequestAborted);
            return;
        }

        var format = WantsOpenMetrics(request.Headers.Accept.ToString()) ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText;
        var writer = new MetricWriter(buffer, format);
        await runner.WriteAsync(selection.Collectors, writer, context.RequestAborted);
        WriteBuildInfo(writer);
        foreach (var metrics in agentMetrics)
        {
            metrics.Write(writer);
        }

        writer.Finish();

        response.ContentType = format == ExpositionFormat.OpenMetrics ? MetricWriter.OpenMetricsContentType : MetricWriter.TextContentType;
        response.Headers.Vary = "Accept, Accept-Encoding";
        if (AcceptsGzip(request.Headers.AcceptEncoding.ToString()))
        {
            response.Headers.ContentEncoding = "gzip";
            await using var gzip = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        }
        else
        {
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        }
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
