using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>The <c>Status</c> object (meta/v1) the server answers every failure with, and that a watch sends as the
/// object of an ERROR event. Reasons are apimachinery's StatusReason values for each code.</summary>
internal static class StatusResponse
{
    public static JsonObject Failure(int code, string message, string? reason = null, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason ?? ReasonFor(code),
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        status["code"] = code;
        return status;
    }

    /// <summary>What the server says for a status with no more specific message (apimachinery errors.NewGenericServerResponse).</summary>
    public static string DefaultMessage(int code) => code switch
    {
        401 => "Unauthorized",
        403 => "forbidden",
        404 => "the server could not find the requested resource",
        409 => "the server reported a conflict",
        410 => "the resource has expired",
        429 => "Too many requests, please try again later.",
        500 => "an error on the server (\"\") has prevented the request from succeeding",
        503 => "the server is currently unable to handle the request",
        504 => "the server was unable to return a response in the time allotted, but may still be processing the request",
        _ => $"the server responded with the status code {code} but did not return more information",
    };

    public static Task WriteAsync(HttpContext context, int code, string? message = null, string? reason = null, JsonObject? details = null) =>
        WriteJsonAsync(context, code, Failure(code, message ?? DefaultMessage(code), reason, details));

    public static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body)
    {
        var bytes = StoredObject.Serialize(body);
        context.Response.StatusCode = code;
        context.Response.ContentType = Wire.JsonContentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "",
    };
}
