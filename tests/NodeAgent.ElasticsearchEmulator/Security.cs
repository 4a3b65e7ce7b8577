using System.Text;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>The checks Elasticsearch's security layer makes before any handler runs: basic users and API keys
/// (native realm, api_key service), and a user who authenticates but holds no privilege.</summary>
internal static class Security
{
    // The challenges a default 8.x cluster sends: one per enabled authentication scheme.
    private static readonly string[] Challenges = ["Basic realm=\"security\", charset=\"UTF-8\"", "Bearer realm=\"security\"", "ApiKey"];

    /// <summary>True when the request may go on; otherwise the 401 or 403 has been written.</summary>
    public static async Task<bool> AuthorizeAsync(HttpContext context, EmulatorOptions options, string action)
    {
        if (!options.SecurityEnabled)
        {
            return true;
        }

        var uri = context.Request.Path.Value + context.Request.QueryString.Value;
        var (principal, failure) = Authenticate(context.Request.Headers.Authorization.ToString(), options, uri);
        if (failure is not null)
        {
            // Unauthenticated answers are the one case where Elasticsearch leaves out X-Elastic-Product
            // (elastic/elasticsearch#73434); the official clients skip the product check on 401 and 403.
            context.Response.Headers.Remove(ElasticsearchEmulator.ProductHeader);
            context.Response.Headers.WWWAuthenticate = Challenges;
            await JsonResponse.ErrorAsync(context, 401, "security_exception", failure, w =>
            {
                w.WriteStartObject("header");
                w.WriteStartArray("WWW-Authenticate");
                foreach (var challenge in Challenges)
                {
                    w.WriteStringValue(challenge);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
            return false;
        }

        if (options.ForbiddenUsers.Contains(principal!))
        {
            await JsonResponse.ErrorAsync(context, 403, "security_exception",
                $"action [{action}] is unauthorized for user [{principal}] with effective roles [], this action is granted by the "
                + (action.StartsWith("indices:", StringComparison.Ordinal) ? "index privileges [create_doc,create,delete,index,write,all]" : "cluster privileges [monitor,manage,all]"));
            return false;
        }

        return true;
    }

    private static (string? Principal, string? Failure) Authenticate(string header, EmulatorOptions options, string uri)
    {
        if (header.Length == 0)
        {
            return (null, $"missing authentication credentials for REST request [{uri}]");
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? header[..space] : header;
        var credentials = space > 0 ? Decode(header[(space + 1)..].Trim()) : null;
        var colon = credentials?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && colon >= 0)
        {
            var user = credentials![..colon];
            return options.Users.TryGetValue(user, out var password) && password == credentials[(colon + 1)..]
                ? (user, null)
                : (null, $"unable to authenticate user [{user}] for REST request [{uri}]");
        }

        if (scheme.Equals("ApiKey", StringComparison.OrdinalIgnoreCase) && colon >= 0)
        {
            var id = credentials![..colon];
            if (options.ApiKeys.TryGetValue(id, out var key) && key == credentials[(colon + 1)..])
            {
                return (id, null);
            }
        }

        return (null, "unable to authenticate with provided credentials and anonymous access is not allowed for this request");
    }

    private static string? Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
