using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NodeAgent.Metrics;

namespace NodeAgent.Hosting;

/// <summary>The HTTP surface of CONTRACT.md: /metrics, /healthz, /readyz and a small index page.</summary>
internal static class Endpoints
{
    public static void Map(WebApplication app, ScrapeHandler scrape, AgentHealth health, AgentOptions options)
    {
        app.MapGet("/metrics", scrape.HandleAsync);
        app.MapGet("/healthz", context => WriteStatusAsync(context, health.StalledLoops()));
        app.MapGet("/readyz", context => WriteStatusAsync(context, health.NotReadyReasons()));
        app.MapGet("/", context => WriteIndexAsync(context, options, health));
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

    private static Task WriteIndexAsync(HttpContext context, AgentOptions options, AgentHealth health)
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
            <li><a href="/metrics">/metrics</a>: node and agent metrics (Prometheus text or OpenMetrics)</li>
            <li><a href="/healthz">/healthz</a>: liveness</li>
            <li><a href="/readyz">/readyz</a>: readiness</li>
            </ul>
            </body></html>

            """, context.RequestAborted);
    }
}
