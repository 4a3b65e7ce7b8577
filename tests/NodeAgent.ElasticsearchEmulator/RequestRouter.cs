using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>Dispatches by path and method, in Elasticsearch's order: faults that take the node away first, then
/// authentication and authorization, then the handler. <c>/_emulator/</c> bypasses all of it: it is how a test steers
/// the emulator, even through an outage.</summary>
internal static class RequestRouter
{
    public static async Task HandleAsync(HttpContext context, EmulatorState state)
    {
        context.Response.Headers[ElasticsearchEmulator.ProductHeader] = "Elasticsearch";
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/_emulator/", StringComparison.Ordinal))
        {
            await ControlEndpoints.HandleAsync(context, state, path["/_emulator/".Length..]);
            return;
        }

        state.Stats.Request();
        var faults = state.Faults;
        if (faults.Outage == OutageMode.ResetConnections)
        {
            state.Stats.Dropped(stored: false);
            context.Abort();
            return;
        }

        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency, context.RequestAborted);
        }

        if (faults.Outage == OutageMode.Unavailable)
        {
            ElasticsearchEmulator.AddRetryAfter(context, faults);
            await JsonResponse.ErrorAsync(context, 503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/2/no master];");
        }
        else if (faults.Outage == OutageMode.StallBody)
        {
            await StalledAnswer.SendAsync(context, state, () => RouteAsync(context, state, path));
        }
        else
        {
            await RouteAsync(context, state, path);
        }

        if (!context.RequestAborted.IsCancellationRequested)
        {
            state.Stats.Status(context.Response.StatusCode);
        }
    }

    private static async Task RouteAsync(HttpContext context, EmulatorState state, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var method = context.Request.Method;
        (string? Action, string? Allowed, Func<Task>? Handler) route = segments switch
        {
            [] => ("cluster:monitor/main", "GET, HEAD", () => ClusterInfo.WriteAsync(context)),
            ["_bulk"] => ("indices:data/write/bulk", "POST, PUT", () => BulkEndpoint.HandleAsync(context, state, null)),
            [var target, "_bulk"] => ("indices:data/write/bulk", "POST, PUT", () => BulkEndpoint.HandleAsync(context, state, target)),
            ["_count"] => ("indices:data/read/search", "GET, POST", () => CountEndpoint.HandleAsync(context, state, "*")),
            [var target, "_count"] => ("indices:data/read/search", "GET, POST", () => CountEndpoint.HandleAsync(context, state, target)),
            ["_index_template"] => ("indices:admin/index_template/get", "GET", () => TemplateEndpoints.GetAsync(context, state, null)),
            ["_index_template", var name] => (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? "indices:admin/index_template/get" : "indices:admin/index_template/put",
                "GET, HEAD, PUT, POST", () => TemplateEndpoints.HandleAsync(context, state, name)),
            _ => (null, null, null),
        };

        var (action, allowed, handler) = route;
        if (!await Security.AuthorizeAsync(context, state.Options, action ?? "cluster:monitor/main"))
        {
            return;
        }

        if (handler is null)
        {
            await JsonResponse.PlainErrorAsync(context, 400, $"no handler found for uri [{path}] and method [{method}]");
            return;
        }

        if (!allowed!.Split(", ").Contains(method.ToUpperInvariant()))
        {
            context.Response.Headers.Allow = allowed;
            await JsonResponse.PlainErrorAsync(context, 405, $"Incorrect HTTP method for uri [{path}] and method [{method}], allowed: [{allowed}]");
            return;
        }

        await handler();
    }
}
