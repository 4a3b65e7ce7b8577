using System.Net;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class AuthenticationTests
{
    private static readonly EmulatorOptions Secured = new()
    {
        Users = new Dictionary<string, string> { ["agent"] = "s3cret", ["reader"] = "r" },
        ApiKeys = new Dictionary<string, string> { ["key-id"] = "key-secret" },
        ForbiddenUsers = new HashSet<string> { "reader" },
    };

    [Theory]
    [InlineData("Basic")]
    [InlineData("ApiKey")]
    public async Task Right_credentials_are_let_in(string scheme)
    {
        await using var es = await ElasticsearchEmulator.StartAsync(Secured);
        using var http = Client(es.Url, scheme == "Basic" ? Basic("agent", "s3cret") : ApiKey("key-id", "key-secret"));

        var (status, body) = await BulkAsync(http, Ndjson(Create("1"), Doc("x")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(201, Item(body, 0).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_wrong_password_is_401_naming_the_user_with_the_challenges()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(Secured);
        using var http = Client(es.Url, Basic("agent", "wrong"));

        using var response = await http.PostAsync("_bulk?refresh=false", Content(Ndjson(Create("1"), Doc("x"))));
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic" && h.Parameter!.Contains("realm=\"security\"", StringComparison.Ordinal));
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
        // Elasticsearch leaves the product header off unauthenticated answers (elastic/elasticsearch#73434).
        Assert.False(response.Headers.Contains("X-Elastic-Product"));
        BulkFormatTests.AssertError(body, 401, "security_exception");
        Assert.Equal("unable to authenticate user [agent] for REST request [/_bulk?refresh=false]", body.GetProperty("error").GetProperty("reason").GetString());
        Assert.Equal("ApiKey", body.GetProperty("error").GetProperty("header").GetProperty("WWW-Authenticate")[2].GetString());
        Assert.Equal(0, es.Count(DataStream));
    }

    [Fact]
    public async Task Missing_credentials_and_a_wrong_api_key_are_401()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(Secured);
        using var anonymous = Client(es.Url);
        using var badKey = Client(es.Url, ApiKey("key-id", "nope"));

        var (missingStatus, missing) = await BulkAsync(anonymous, Ndjson(Create("1"), Doc("x")));
        var (keyStatus, key) = await BulkAsync(badKey, Ndjson(Create("1"), Doc("x")));

        Assert.Equal(HttpStatusCode.Unauthorized, missingStatus);
        Assert.Equal($"missing authentication credentials for REST request [/{DataStream}/_bulk]", missing.GetProperty("error").GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, keyStatus);
        Assert.Equal("unable to authenticate with provided credentials and anonymous access is not allowed for this request",
            key.GetProperty("error").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_user_without_privileges_is_403_for_the_bulk_action()
    {
        await using var es = await ElasticsearchEmulator.StartAsync(Secured);
        using var http = Client(es.Url, Basic("reader", "r"));

        var (status, body) = await BulkAsync(http, Ndjson(Create("1"), Doc("x")));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        BulkFormatTests.AssertError(body, 403, "security_exception");
        Assert.StartsWith("action [indices:data/write/bulk] is unauthorized for user [reader]", body.GetProperty("error").GetProperty("reason").GetString());
        Assert.Equal(0, es.Count(DataStream));
    }
}
