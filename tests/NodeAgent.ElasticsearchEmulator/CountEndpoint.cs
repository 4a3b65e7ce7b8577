using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary><c>GET|POST /{target}/_count</c>: every document of the targets (a query in the body is ignored).
/// Comma lists and wildcards resolve as in Elasticsearch: a missing concrete name is a 404, a wildcard matching
/// nothing counts 0. Documents are searchable at once (as after a refresh).</summary>
internal static class CountEndpoint
{
    public static async Task HandleAsync(HttpContext context, EmulatorState state, string expression)
    {
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            // Read and drop the query: keep-alive needs the body consumed.
            await RequestBody.ReadAsync(context.Request, context.RequestAborted);
        }

        long count = 0;
        foreach (var name in expression.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (name is "_all" || name.Contains('*', StringComparison.Ordinal))
            {
                var pattern = name == "_all" ? "*" : name;
                count += state.Store.Targets.Where(t => Glob.Matches(pattern, t.Name)).Sum(t => (long)t.Count);
                continue;
            }

            if (state.Store.Find(name) is not { } target)
            {
                await JsonResponse.IndexNotFoundAsync(context, name);
                return;
            }

            count += target.Count;
        }

        await JsonResponse.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", count);
            w.WriteStartObject("_shards");
            w.WriteNumber("total", 1);
            w.WriteNumber("successful", 1);
            w.WriteNumber("skipped", 0);
            w.WriteNumber("failed", 0);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }
}
