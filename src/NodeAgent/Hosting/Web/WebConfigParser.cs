using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NodeAgent.Hosting.Web;

/// <summary>The outcome of reading one web configuration file: the configuration, or every problem found, each
/// naming its field (<c>tls_server_config.client_auth_type: ...</c>).</summary>
internal sealed record WebConfigParse(WebConfig? Config, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

/// <summary>
/// exporter-toolkit's web configuration file (docs/web-configuration.md, web/tls_config.go), read as strictly as Go's
/// <c>yaml.UnmarshalStrict</c> reads it there: an unknown field, a value of the wrong kind, an unknown
/// <c>client_auth_type</c>, TLS version, cipher or curve, a header that may not be set and a password that is not a
/// bcrypt hash are errors. Pure: text in; the files it names are read by <see cref="WebSettings"/>. YamlDotNet's
/// node model does the YAML: it is already in the binary (the Kubernetes client's kubeconfig) and uses no reflection.
/// </summary>
internal sealed partial class WebConfigParser
{
    private static readonly string[] TopFields = ["tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"];

    /// <summary>The headers exporter-toolkit lets a file set, with the values allowed where they are an enumeration.</summary>
    private static readonly Dictionary<string, string[]> AllowedHeaders = new(StringComparer.Ordinal)
    {
        ["Strict-Transport-Security"] = [],
        ["X-Content-Type-Options"] = ["nosniff"],
        ["X-Frame-Options"] = ["deny", "sameorigin"],
        ["X-XSS-Protection"] = [],
        ["Content-Security-Policy"] = [],
    };

    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];
    private readonly string _directory;

    private WebConfigParser(string directory) => _directory = directory;

    /// <param name="directory">The file's directory: relative <c>*_file</c> paths are relative to it, as in
    /// exporter-toolkit.</param>
    public static WebConfigParse Parse(string text, string directory)
    {
        var parser = new WebConfigParser(directory);
        var config = parser.Read(text);
        return new WebConfigParse(parser._errors.Count == 0 ? config : null, parser._errors, parser._warnings);
    }

    private WebConfig Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            _errors.Add($"not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}");
            return WebConfig.Empty;
        }

        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            return WebConfig.Empty;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            _errors.Add($"expected a mapping of {string.Join(", ", TopFields)} (found {Kind(stream.Documents[0].RootNode)})");
            return WebConfig.Empty;
        }

        TlsServerConfig? tls = null;
        var http2 = true;
        IReadOnlyList<KeyValuePair<string, string>> headers = [];
        IReadOnlyDictionary<string, string> users = WebConfig.Empty.Users;
        RateLimitConfig? rateLimit = null;
        foreach (var (name, value) in Fields(root, "", TopFields))
        {
            switch (name)
            {
                case "tls_server_config":
                    tls = ReadTls(value);
                    break;
                case "http_server_config":
                    (http2, headers) = ReadHttp(value);
                    break;
                case "basic_auth_users":
                    users = ReadUsers(value);
                    break;
                case "rate_limit":
                    rateLimit = ReadRateLimit(value);
                    break;
            }
        }

        return new WebConfig(tls, http2, headers, users, rateLimit);
    }

    private (bool Http2, IReadOnlyList<KeyValuePair<string, string>> Headers) ReadHttp(YamlNode node)
    {
        var http2 = true;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in Fields(node, "http_server_config", ["http2", "headers"]))
        {
            if (name == "http2")
            {
                http2 = Bool(value, "http_server_config.http2", true);
                continue;
            }

            foreach (var (header, headerValue) in Fields(value, "http_server_config.headers", null))
            {
                var text = Text(headerValue, "http_server_config.headers." + header) ?? "";
                if (!AllowedHeaders.TryGetValue(header, out var allowed))
                {
                    _errors.Add($"http_server_config.headers.{header}: this header cannot be configured (expected one of {string.Join(", ", AllowedHeaders.Keys)}){Suggestions.DidYouMean(header, AllowedHeaders.Keys)}");
                }
                else if (allowed.Length > 0 && !allowed.Contains(text, StringComparer.Ordinal))
                {
                    _errors.Add($"http_server_config.headers.{header}: '{text}' is not valid (expected {string.Join(" or ", allowed)})");
                }
                else if (text.Length > 0)
                {
                    headers.Add(new(header, text));
                }
            }
        }

        return (http2, headers);
    }

    private Dictionary<string, string> ReadUsers(YamlNode node)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (user, value) in Fields(node, "basic_auth_users", null))
        {
            // The hash is a secret (exporter-toolkit's config_util.Secret): a message names the user, never the value.
            var hash = value is YamlScalarNode scalar ? scalar.Value ?? "" : null;
            if (hash is null)
            {
                _errors.Add($"basic_auth_users.{user}: expected a bcrypt hash (found {Kind(value)})");
            }
            else if (BcryptHash.Problem(hash) is { } problem)
            {
                _errors.Add($"basic_auth_users.{user}: {problem}");
            }
            else
            {
                users[user] = hash;
            }
        }

        return users;
    }

    private RateLimitConfig? ReadRateLimit(YamlNode node)
    {
        var interval = TimeSpan.Zero;
        var burst = 0;
        foreach (var (name, value) in Fields(node, "rate_limit", ["interval", "burst"]))
        {
            var text = Text(value, "rate_limit." + name) ?? "0";
            if (name == "interval")
            {
                // Go's time.Duration in yaml.v2: a duration string, or an integer of nanoseconds.
                TimeSpan? parsed = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
                    ? TimeSpan.FromTicks(nanoseconds / 100)
                    : ConfigValues.ParseDuration(text);
                if (parsed is null)
                {
                    _errors.Add($"rate_limit.interval: '{text}' is not valid (expected a duration such as 100ms or 1s)");
                }

                interval = parsed ?? TimeSpan.Zero;
            }
            else if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out burst))
            {
                _errors.Add($"rate_limit.burst: '{text}' is not valid (expected a whole number, 0 or more)");
            }
        }

        return interval > TimeSpan.Zero ? new RateLimitConfig(interval, burst) : null;
    }

    /// <summary>The fields of a mapping (none for a null node); an unknown name or a node that is no mapping is an
    /// error naming it. <paramref name="known"/> null: any name (users, headers).</summary>
    private IEnumerable<(string Name, YamlNode Value)> Fields(YamlNode node, string path, string[]? known)
    {
        if (IsNull(node))
        {
            yield break;
        }

        if (node is not YamlMappingNode mapping)
        {
            _errors.Add($"{Label(path)}expected a mapping (found {Kind(node)})");
            yield break;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value;
            var field = path.Length == 0 ? name : $"{path}.{name}";
            if (name is null)
            {
                _errors.Add($"{Label(path)}expected field names (found {Kind(keyNode)})");
            }
            else if (known is not null && !known.Contains(name, StringComparer.Ordinal))
            {
                _errors.Add($"{field}: unknown field (expected one of {string.Join(", ", known)}){Suggestions.DidYouMean(name, known)}");
            }
            else
            {
                yield return (name, value);
            }
        }
    }

    private string? Text(YamlNode node, string field)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode { Value: var value })
        {
            return string.IsNullOrEmpty(value) ? null : value;
        }

        _errors.Add($"{field}: expected a string (found {Kind(node)})");
        return null;
    }

    private List<string> TextList(YamlNode node, string field)
    {
        if (IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            _errors.Add($"{field}: expected a list (found {Kind(node)})");
            return [];
        }

        return [.. sequence.Children.Select((item, i) => Text(item, $"{field}[{i}]")).OfType<string>()];
    }

    /// <summary>YAML 1.1's booleans, as Go's yaml.v2 reads them.</summary>
    private bool Bool(YamlNode node, string field, bool fallback)
    {
        switch (Text(node, field))
        {
            case null:
                return fallback;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                return false;
            case var other:
                _errors.Add($"{field}: '{other}' is not valid (expected true or false)");
                return fallback;
        }
    }

    /// <summary>exporter-toolkit's JoinDir: a relative path is relative to the web configuration file's directory.</summary>
    private string? FilePath(string? path) => path is null || Path.IsPathRooted(path) ? path : Path.Combine(_directory, path);

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a text",
    };

    private static string Label(string path) => path.Length == 0 ? "" : path + ": ";
}
