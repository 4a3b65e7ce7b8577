using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary><c>/_index_template/{name}</c>: PUT stores, GET returns, HEAD tells whether it exists.</summary>
internal static class TemplateEndpoints
{
    public static async Task HandleAsync(HttpContext context, EmulatorState state, string name)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            await GetAsync(context, state, name);
            return;
        }

        if (RequestBody.UnsupportedContentType(context.Request, ndjson: false) is { } unsupported)
        {
            await JsonResponse.PlainErrorAsync(context, 406, unsupported);
            return;
        }

        string? error;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted);
            error = body.Bytes.Length == 0 ? "request body is required" : state.Templates.Put(name, body.Bytes, context.Request.Query["create"] == "true");
        }
        catch (JsonException e)
        {
            await JsonResponse.ErrorAsync(context, 400, "x_content_parse_exception", $"[1:{(e.BytePositionInLine ?? 0) + 1}] {e.Message}");
            return;
        }

        if (error is not null)
        {
            var type = error.StartsWith("Validation Failed", StringComparison.Ordinal) ? "action_request_validation_exception"
                : error.EndsWith("already exists", StringComparison.Ordinal) ? "illegal_argument_exception" : "parse_exception";
            await JsonResponse.ErrorAsync(context, 400, type, error);
            return;
        }

        await JsonResponse.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("acknowledged", true);
            w.WriteEndObject();
        });
    }

    public static Task GetAsync(HttpContext context, EmulatorState state, string? name)
    {
        var templates = name is null ? state.Templates.All.ToList()
            : state.Templates.All.Where(t => Glob.Matches(name, t.Name)).ToList();
        if (name is not null && templates.Count == 0)
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
            }

            return JsonResponse.ErrorAsync(context, 404, "resource_not_found_exception", $"index template matching [{name}] not found");
        }

        return JsonResponse.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("index_templates");
            foreach (var template in templates)
            {
                w.WriteStartObject();
                w.WriteString("name", template.Name);
                w.WritePropertyName("index_template");
                w.WriteRawValue(template.Body);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
