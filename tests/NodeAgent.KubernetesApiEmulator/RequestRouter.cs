using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>Records the request, then runs it through the real server's order: authentication (401), then the
/// queued faults (API Priority and Fairness rejects with 429 after authentication), then the handler.</summary>
internal static class RequestRouter
{
    public static async Task HandleAsync(HttpContext context, FakeState state)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        state.Requests.Add(new RecordedRequest(request.Method, path, request.QueryString.Value ?? "", state.Time.GetUtcNow()));

        if (state.Options.Token is { } token && request.Headers.Authorization.ToString() != "Bearer " + token)
        {
            await StatusResponse.WriteAsync(context, 401);
            return;
        }

        if (state.Faults.Take() is { } status)
        {
            if (status == 429)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            await StatusResponse.WriteAsync(context, status,
                details: status == 429 ? new JsonObject { ["retryAfterSeconds"] = 1 } : null);
            return;
        }

        await RouteAsync(context, state, path);
    }

    private static async Task RouteAsync(HttpContext context, FakeState state, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        (ResourceType Resource, string? Namespace, string? Name)? target = segments switch
        {
            ["api", "v1", "pods"] => (ResourceType.Pods, null, null),
            ["api", "v1", "namespaces"] => (ResourceType.Namespaces, null, null),
            ["api", "v1", "namespaces", var name] => (ResourceType.Namespaces, null, name),
            ["api", "v1", "namespaces", var ns, "pods"] => (ResourceType.Pods, ns, null),
            ["api", "v1", "namespaces", var ns, "pods", var name] => (ResourceType.Pods, ns, name),
            _ => null,
        };

        Func<HttpContext, Task>? discovery = segments switch
        {
            ["api"] => Discovery.ApiVersionsAsync,
            ["apis"] => Discovery.ApiGroupsAsync,
            ["api", "v1"] => Discovery.CoreV1ResourcesAsync,
            ["version"] => Discovery.VersionAsync,
            _ => null,
        };
        if (discovery is null && target is null)
        {
            await StatusResponse.WriteAsync(context, 404);
            return;
        }

        // Objects change only through the fake's methods, never through the API.
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await StatusResponse.WriteAsync(context, 405, "the server does not allow this method on the requested resource");
            return;
        }

        if (discovery is not null)
        {
            await discovery(context);
            return;
        }

        var t = target!.Value;
        if (t.Name is not null)
        {
            await GetAsync(context, state, t.Resource, t.Namespace, t.Name);
            return;
        }

        var selector = FieldSelector.TryParse(context.Request.Query["fieldSelector"], t.Resource, out var error);
        if (selector is null)
        {
            await StatusResponse.WriteAsync(context, 400, error);
            return;
        }

        if (t.Namespace is not null)
        {
            selector = selector.And("metadata.namespace", t.Namespace);
        }

        if (QueryValues.IsTrue(context.Request.Query["watch"]))
        {
            await WatchEndpoint.HandleAsync(context, state, t.Resource, selector);
        }
        else
        {
            await ListEndpoint.HandleAsync(context, state.Store, t.Resource, selector);
        }
    }

    private static async Task GetAsync(HttpContext context, FakeState state, ResourceType resource, string? ns, string name)
    {
        if (state.Store.Get(resource, ns is null ? name : ns + "/" + name) is not { } found)
        {
            await StatusResponse.WriteAsync(context, 404, $"{resource.Plural} \"{name}\" not found",
                details: new JsonObject { ["name"] = name, ["kind"] = resource.Plural });
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = Wire.JsonContentType;
        context.Response.ContentLength = found.Json.Length;
        await context.Response.Body.WriteAsync(found.Json, context.RequestAborted);
    }
}
