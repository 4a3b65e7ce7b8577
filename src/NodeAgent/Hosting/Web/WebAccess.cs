using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NodeAgent.Hosting.Web;

/// <summary>
/// What the web configuration asks of every request, in exporter-toolkit's order (web/handler.go): the rate limit
/// (429), the configured response headers, then basic auth (401 with <c>WWW-Authenticate: Basic</c>). Basic auth
/// covers every endpoint but the kubelet's two probes, /healthz and /readyz: an httpGet probe can only send a
/// password written in clear into the pod spec, and they tell no more than up or ready and why. TLS, and a client
/// certificate when <c>client_auth_type</c> requires one, apply to them as to everything else.
/// </summary>
internal sealed class WebAccess(WebSettingsSource source)
{
    private static readonly string[] ProbePaths = ["/healthz", "/readyz"];

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (source.RateLimiter is { } limiter && !limiter.TryTake())
        {
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, "Too Many Requests");
            return;
        }

        var settings = source.Current;
        foreach (var (name, value) in settings.Config.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (settings.Authenticator is { } authenticator && !IsProbe(context)
            && !await authenticator.IsAuthorizedAsync(context.Request.Headers.Authorization.FirstOrDefault(), context.RequestAborted))
        {
            context.Response.Headers.WWWAuthenticate = "Basic";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized");
            return;
        }

        await next(context);
    }

    /// <summary>The route matched, not the raw path: "/HEALTHZ" or "/healthz/" reach the probe endpoint, and
    /// whatever reaches it is the probe.</summary>
    private static bool IsProbe(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } && ProbePaths.Contains(pattern, StringComparer.Ordinal);

    /// <summary>Go's <c>http.Error</c>: the status text and a newline, as plain text.</summary>
    private static Task RefuseAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync(text + "\n", context.RequestAborted);
    }
}
