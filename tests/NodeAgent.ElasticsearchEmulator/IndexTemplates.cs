using System.Collections.Concurrent;
using System.Text.Json;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>Composable index templates, kept as sent. They matter for two decisions about a new target: whether it
/// becomes a data stream (the highest-priority matching template has <c>data_stream</c>), and which of its fields are
/// <c>constant_keyword</c> (the template's own <c>template.mappings</c>; component templates are not emulated).</summary>
internal sealed class IndexTemplates
{
    // Elasticsearch 8 installs these with the stack templates (priority 100), which is why logs-*-* names become
    // data streams on a fresh cluster without any template of ours. Their mappings (logs@mappings, metrics@mappings,
    // synthetics@mappings with data-streams@mappings) make data_stream.* constant_keyword: type with its value, dataset
    // and namespace fixed by the first document that has them.
    private static readonly IndexTemplate[] BuiltIn =
    [
        new("logs", [], ["logs-*-*"], 100, true, DataStreamFields("logs")),
        new("metrics", [], ["metrics-*-*"], 100, true, DataStreamFields("metrics")),
        new("synthetics", [], ["synthetics-*-*"], 100, true, DataStreamFields("synthetics")),
    ];

    private static Dictionary<string, string?> DataStreamFields(string type) => new(StringComparer.Ordinal)
    {
        ["data_stream.type"] = type,
        ["data_stream.dataset"] = null,
        ["data_stream.namespace"] = null,
    };

    private readonly ConcurrentDictionary<string, IndexTemplate> _templates = new(StringComparer.Ordinal);

    public IEnumerable<IndexTemplate> All => _templates.Values.OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>Null when stored, else the validation error Elasticsearch would give.</summary>
    public string? Put(string name, byte[] body, bool createOnly)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "request body is required";
        }

        var patterns = new List<string>();
        if (root.TryGetProperty("index_patterns", out var list))
        {
            if (list.ValueKind == JsonValueKind.String)
            {
                patterns.Add(list.GetString()!);
            }
            else if (list.ValueKind == JsonValueKind.Array)
            {
                patterns.AddRange(list.EnumerateArray().Select(p => p.GetString() ?? ""));
            }
        }

        if (patterns.Count == 0)
        {
            return "Validation Failed: 1: index patterns are missing;";
        }

        var priority = root.TryGetProperty("priority", out var p) && p.TryGetInt64(out var value) ? value : 0;
        var constants = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (root.TryGetProperty("template", out var inner) && inner.ValueKind == JsonValueKind.Object
            && inner.TryGetProperty("mappings", out var mappings) && mappings.ValueKind == JsonValueKind.Object
            && mappings.TryGetProperty("properties", out var properties))
        {
            CollectConstantKeywords(properties, "", constants);
        }

        var template = new IndexTemplate(name, body, patterns, priority, root.TryGetProperty("data_stream", out _), constants);
        if (createOnly && !_templates.TryAdd(name, template))
        {
            return $"index template [{name}] already exists";
        }

        _templates[name] = template;
        return null;
    }

    public IndexTemplate? Get(string name) => _templates.TryGetValue(name, out var template) ? template : null;

    public bool IsDataStream(string index) => Match(index)?.DataStream ?? false;

    /// <summary>The template a new index or data stream of this name is created from: the highest priority match.</summary>
    public IndexTemplate? Match(string index) =>
        _templates.Values.Concat(BuiltIn)
            .Where(t => t.Patterns.Any(pattern => Glob.Matches(pattern, index)))
            .OrderByDescending(t => t.Priority)
            .FirstOrDefault();

    public void Clear() => _templates.Clear();

    // Object fields nest under "properties"; a name may also be dotted ("data_stream.dataset"), as Elasticsearch allows.
    private static void CollectConstantKeywords(JsonElement properties, string prefix, Dictionary<string, string?> found)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var field in properties.EnumerateObject())
        {
            if (field.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var path = prefix + field.Name;
            if (field.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("constant_keyword"))
            {
                found[path] = field.Value.TryGetProperty("value", out var value)
                    ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                    : null;
            }
            else if (field.Value.TryGetProperty("properties", out var nested))
            {
                CollectConstantKeywords(nested, path + ".", found);
            }
        }
    }
}

/// <param name="ConstantKeywords">The template's <c>constant_keyword</c> fields by dotted path, with the value its
/// mapping fixes, or null: the first document that has the field fixes it.</param>
internal sealed record IndexTemplate(string Name, byte[] Body, IReadOnlyList<string> Patterns, long Priority, bool DataStream, IReadOnlyDictionary<string, string?> ConstantKeywords);

/// <summary>Elasticsearch's simple wildcard match: <c>*</c> stands for any run of characters, nothing else is special.</summary>
internal static class Glob
{
    public static bool Matches(string pattern, string text)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return pattern == text;
        }

        var parts = pattern.Split('*');
        if (!text.StartsWith(parts[0], StringComparison.Ordinal) || !text.EndsWith(parts[^1], StringComparison.Ordinal)
            || text.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var position = parts[0].Length;
        var end = text.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = text.IndexOf(parts[i], position, end - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return true;
    }
}
