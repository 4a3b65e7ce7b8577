using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NodeAgent.Metrics;
using NodeAgent.Tailing;
using NodeAgent.Telemetry;

namespace NodeAgent.Hosting;

/// <summary>The HTTP surface of CONTRACT.md: /metrics (at <c>Http:MetricsPath</c>), /healthz, /readyz and a small
/// index page.</summary>
internal static class Endpoints
{
    public static void Map(WebApplication app, ScrapeHandler scrape, AgentHealth health, AgentOptions options, FileServer? tails)
    {
        app.MapGet(options.MetricsPath, scrape.HandleAsync);
        app.MapGet("/healthz", context => WriteStatusAsync(context, health.StalledLoops()));
        app.MapGet("/readyz", context => WriteStatusAsync(context, health.NotReadyReasons()));

        // As node_exporter: metrics served at "/" take the index page's place.
        if (options.MetricsPath != "/")
        {
            app.MapGet("/", context => WriteIndexAsync(context, options, health, tails));
        }
    }

    /// <summary>Per-file tail status: where reading and acknowledgement stand, for a look without Prometheus.</summary>
    private static string TailTable(FileServer? server)
    {
        if (server is null)
        {
            return "<p>Log pipeline off.</p>";
        }

        var rows = new System.Text.StringBuilder();
        foreach (var tail in server.Tails.OrderBy(t => t.Path, StringComparer.Ordinal))
        {
            long size;
            try
            {
                size = tail.Length;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                size = -1;
            }

            rows.Append(CultureInfo.InvariantCulture, $"<tr><td>{WebUtility.HtmlEncode(tail.Path)}</td><td>{size}</td><td>{tail.ReadOffset}</td><td>{tail.Acks.Committed}</td><td>{(tail.Rotated ? "rotated, draining" : "live")}</td></tr>\n");
        }

        return $"<h2>Log files ({server.Tails.Count})</h2>\n<table border=\"1\"><tr><th>path</th><th>size</th><th>read</th><th>acknowledged</th><th>state</th></tr>\n{rows}</table>";
    }

    private static async Task WriteStatusAsync(HttpContext context, IReadOnlyList<string> problems)
    {
        var response = context.Response;
        response.StatusCode = problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", problems.Count == 0 ? "ok" : "unavailable");
            if (problems.Count > 0)
            {
                json.WriteStartArray("reasons");
                foreach (var problem in problems)
                {
                    json.WriteStringValue(problem);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private static Task WriteIndexAsync(HttpContext context, AgentOptions options, AgentHealth health, FileServer? tails)
    {
        var ready = health.NotReadyReasons();
        var status = ready.Count == 0 ? "ready" : "not ready: " + string.Join("; ", ready);
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>NodeAgent</title></head>
            <body>
            <h1>NodeAgent {WebUtility.HtmlEncode(AgentVersion.Current)}</h1>
            <p>Node <b>{WebUtility.HtmlEncode(options.NodeName)}</b> &middot; {WebUtility.HtmlEncode(status)}</p>
            <ul>
            <li><a href="{WebUtility.HtmlEncode(options.MetricsPath)}">{WebUtility.HtmlEncode(options.MetricsPath)}</a>: node and agent metrics (Prometheus text or OpenMetrics)</li>
            <li><a href="/healthz">/healthz</a>: liveness</li>
            <li><a href="/readyz">/readyz</a>: readiness</li>
            </ul>
            {TailTable(tails)}
            </body></html>

            """, context.RequestAborted);
    }
}
