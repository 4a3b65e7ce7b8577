using System.Net;
using NodeAgent.KubernetesApiEmulation;
using static NodeAgent.Tests.Emulators.KubernetesApi.KubeHttp;

namespace NodeAgent.Tests.Emulators.KubernetesApi;

public sealed class RequestControlTests
{
    [Fact]
    public async Task FailNextRequests_answers_that_many_requests_with_a_Status_then_serves_again()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);
        api.FailNextRequests(2, 429);

        var first = await GetAsync(http, "api/v1/pods");
        var second = await GetAsync(http, "api/v1/pods?watch=true");
        var third = await GetAsync(http, "api/v1/pods");
        api.FailNextRequests(1, 503);
        var fourth = await GetAsync(http, "api/v1/pods");

        Assert.Equal(HttpStatusCode.TooManyRequests, first.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Response.Headers.RetryAfter?.Delta);
        Assert.Equal("TooManyRequests", (string?)first.Body["reason"]);
        Assert.Equal(1, (int)first.Body["details"]!["retryAfterSeconds"]!);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.Equal(HttpStatusCode.OK, third.Status);
        Assert.Equal("PodList", (string?)third.Body["kind"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fourth.Status);
        Assert.Equal("ServiceUnavailable", (string?)fourth.Body["reason"]);
        Assert.Null(fourth.Response.Headers.RetryAfter);
    }

    [Fact]
    public async Task With_a_token_set_requests_without_that_bearer_token_get_a_401_Status()
    {
        await using var api = await FakeKubernetesApi.StartAsync(new FakeKubernetesApiOptions { Token = "s3cret" });
        using var anonymous = Client(api.BaseUrl);
        using var wrong = Client(api.BaseUrl, "guess");
        using var right = Client(api.BaseUrl, "s3cret");

        var none = await GetAsync(anonymous, "api/v1/pods");
        var bad = await GetAsync(wrong, "api/v1/pods?watch=true");
        var good = await GetAsync(right, "api/v1/pods");

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal("Status", (string?)none.Body["kind"]);
        Assert.Equal("Unauthorized", (string?)none.Body["reason"]);
        Assert.Equal(401, (int)none.Body["code"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.Status);
        Assert.Equal(HttpStatusCode.OK, good.Status);
    }

    [Fact]
    public async Task Requests_are_recorded_with_their_query_and_can_be_awaited_past_or_future()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);
        var listed = Rv(await ListAsync(http, $"api/v1/pods?fieldSelector={NodeA}&limit=500"));

        var past = await api.WaitForRequestAsync(r => r.Query("limit") == "500", TimeSpan.FromSeconds(5));
        var future = api.WaitForRequestAsync(r => r.IsWatch && r.Query("resourceVersion") == listed, TimeSpan.FromSeconds(10));
        Assert.False(future.IsCompleted);
        using var watch = await WatchStream.OpenAsync(http, $"api/v1/pods?fieldSelector={NodeA}&watch=true&resourceVersion={listed}&timeoutSeconds=1");
        var resumed = await future;

        Assert.Equal("spec.nodeName=node-a", past.Query("fieldSelector"));
        Assert.False(past.IsWatch);
        Assert.Equal("/api/v1/pods", resumed.Path);
        Assert.Equal("GET", resumed.Method);
        Assert.Equal("1", resumed.Query("timeoutSeconds"));
        Assert.True(resumed.Time >= past.Time);
        Assert.Equal([past, resumed], api.Requests);
        await Assert.ThrowsAsync<TimeoutException>(() => api.WaitForRequestAsync(r => r.Path == "/never", TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Discovery_answers_what_clients_probe_and_other_methods_are_refused()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);

        var versions = await ListAsync(http, "api");
        var groups = await ListAsync(http, "apis");
        var resources = await ListAsync(http, "api/v1");
        var version = await ListAsync(http, "version");
        using var post = await http.PostAsync("api/v1/namespaces/shop/pods", new StringContent("{}"));
        using var unknown = await http.PostAsync("apis/apps/v1/namespaces/shop/deployments", new StringContent("{}"));

        Assert.Equal("v1", (string?)versions["versions"]![0]);
        Assert.Empty(groups["groups"]!.AsArray());
        Assert.Equal(["namespaces", "pods"], resources["resources"]!.AsArray().Select(r => (string)r!["name"]!));
        Assert.Equal("1", (string?)version["major"]);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
