using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using NodeAgent.Hosting.Web;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting.Web;

/// <summary>What the web configuration asks of each request, in exporter-toolkit's order: rate limit, headers, basic
/// auth, on every endpoint but the kubelet's probes.</summary>
public sealed class WebAccessTests : IDisposable
{
    private static readonly string Right = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:" + WebConfigParserTests.Password));

    private readonly TempDirectory _dir = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _dir.Dispose();

    private WebAccess Access(string yaml)
    {
        var load = WebSettings.Load(_dir.Write("web.yml", yaml));
        Assert.Empty(load.Errors);
        return new WebAccess(new WebSettingsSource(load.Settings!, new SteppedClock(), _log));
    }

    /// <summary>Runs one request through the middleware to an endpoint mapped at <paramref name="route"/>: the
    /// status, the response, and whether the endpoint ran.</summary>
    private static async Task<(int Status, HttpResponse Response, bool Reached)> SendAsync(WebAccess access, string route, string? authorization = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = route;
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        context.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse(route), 0, null, route));
        var reached = false;
        await access.InvokeAsync(context, _ =>
        {
            reached = true;
            return Task.CompletedTask;
        });
        return (context.Response.StatusCode, context.Response, reached);
    }

    [Fact]
    public async Task Without_the_password_a_request_gets_401_with_the_headers_and_never_reaches_the_endpoint()
    {
        var access = Access($"http_server_config:\n  headers:\n    X-Frame-Options: deny\nbasic_auth_users:\n  prometheus: {WebConfigParserTests.Hash}\n");

        var (status, response, reached) = await SendAsync(access, "/metrics", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:guess")));

        Assert.Equal(401, status);
        Assert.False(reached);
        Assert.Equal("Basic", response.Headers.WWWAuthenticate);
        Assert.Equal("deny", response.Headers.XFrameOptions);
        Assert.Equal("Unauthorized\n", Encoding.UTF8.GetString(((MemoryStream)response.Body).ToArray()));

        var ok = await SendAsync(access, "/metrics", Right);
        Assert.True(ok.Reached);
        Assert.Equal("deny", ok.Response.Headers.XFrameOptions);
    }

    [Theory]
    [InlineData("/healthz", true)]
    [InlineData("/readyz", true)]
    [InlineData("/metrics", false)]
    [InlineData("/", false)]
    public async Task Only_the_probes_need_no_password(string route, bool open)
    {
        var access = Access($"basic_auth_users:\n  prometheus: {WebConfigParserTests.Hash}\n");

        var (status, _, reached) = await SendAsync(access, route);

        Assert.Equal(open, reached);
        Assert.Equal(open ? 200 : 401, status);
    }

    [Fact]
    public async Task Beyond_the_rate_limit_a_request_gets_429_before_any_bcrypt()
    {
        var access = Access($"rate_limit:\n  interval: 1h\n  burst: 1\nbasic_auth_users:\n  prometheus: {WebConfigParserTests.Hash}\n");

        Assert.True((await SendAsync(access, "/metrics", Right)).Reached);
        var (status, _, reached) = await SendAsync(access, "/metrics", Right);

        Assert.Equal(429, status);
        Assert.False(reached);
    }

    [Fact]
    public async Task A_file_without_users_lets_every_request_through()
    {
        var (status, _, reached) = await SendAsync(Access("http_server_config:\n  http2: false\n"), "/metrics");

        Assert.True(reached);
        Assert.Equal(200, status);
    }
}
