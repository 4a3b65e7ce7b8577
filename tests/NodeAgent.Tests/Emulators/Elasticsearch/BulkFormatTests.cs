using System.Net;
using System.Text;
using System.Text.Json;
using NodeAgent.ElasticsearchEmulation;
using static NodeAgent.Tests.Emulators.Elasticsearch.EmulatorHttp;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class BulkFormatTests
{
    [Fact]
    public async Task A_gzip_body_is_read_and_both_sizes_are_counted()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);
        var ndjson = Ndjson(Enumerable.Range(0, 50).SelectMany(i => new[] { Create($"g{i}"), Doc("compressible line " + i) }).ToArray());

        var (status, body) = await BulkAsync(http, ndjson, gzip: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("errors").GetBoolean());
        Assert.Equal(50, es.Count(DataStream));
        Assert.Equal(Encoding.UTF8.GetByteCount(ndjson), es.Stats.BytesDecompressed);
        Assert.InRange(es.Stats.BytesReceived, 1, es.Stats.BytesDecompressed / 3);
    }

    [Fact]
    public async Task A_malformed_action_line_fails_the_whole_request_and_applies_nothing()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        var (status, body) = await BulkAsync(http, Ndjson(Create("ok"), Doc("valid"), "{not json", Doc("x")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, 400, "x_content_parse_exception");
        Assert.Equal(0, es.Count(DataStream));
    }

    [Theory]
    [InlineData("""{"upsert":{}}""", "Malformed action/metadata line [1], expected field [create], [delete], [index] or [update] but found [upsert]")]
    [InlineData("""{"create":{"_type":"_doc"}}""", "Action/metadata line [1] contains an unknown parameter [_type]")]
    [InlineData("""["create"]""", "Malformed action/metadata line [1], expected START_OBJECT or END_OBJECT but found [START_ARRAY]")]
    public async Task Action_lines_elasticsearch_cannot_read_are_illegal_arguments(string action, string reason)
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        var (status, body) = await BulkAsync(http, Ndjson(action, Doc("x")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, 400, "illegal_argument_exception");
        Assert.Equal(reason, body.GetProperty("error").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_body_without_its_final_newline_or_without_a_target_is_refused()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        var (unterminated, noNewline) = await BulkAsync(http, Create("1") + "\n" + Doc("x"));
        var (missing, noIndex) = await BulkAsync(http, Ndjson(Create("1"), Doc("x")), "/_bulk");

        Assert.Equal(HttpStatusCode.BadRequest, unterminated);
        Assert.Equal("The bulk request must be terminated by a newline [\\n]", noNewline.GetProperty("error").GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        AssertError(noIndex, 400, "action_request_validation_exception");
        Assert.Equal("Validation Failed: 1: index is missing;", noIndex.GetProperty("error").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_source_that_is_not_json_fails_alone()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        var (status, body) = await BulkAsync(http, Ndjson(Create("bad"), "{\"message\":", Create("good"), Doc("ok")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(400, Item(body, 0).GetProperty("status").GetInt32());
        Assert.Equal("document_parsing_exception", Item(body, 0).GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(201, Item(body, 1).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_body_in_an_unknown_media_type_is_406()
    {
        await using var es = await ElasticsearchEmulator.StartAsync();
        using var http = Client(es.Url);

        using var response = await http.PostAsync(DataStream + "/_bulk", new StringContent(Ndjson(Create("1"), Doc("x")), Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("Content-Type header [text/plain; charset=utf-8] is not supported", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    internal static void AssertError(JsonElement body, int status, string type)
    {
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(type, body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(type, body.GetProperty("error").GetProperty("root_cause")[0].GetProperty("type").GetString());
    }
}
