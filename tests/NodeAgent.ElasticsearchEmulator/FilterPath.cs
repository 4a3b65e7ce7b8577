using System.Text.Json;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>
/// Elasticsearch's <c>filter_path</c> response filter: comma-separated dotted paths, <c>*</c> matching one field
/// name, arrays transparent (a path applies to each element). An agent sends it to keep bulk answers small
/// (<c>errors,items.*.status,items.*.error.type,items.*.error.reason</c>); <c>**</c> and exclusions (<c>-</c>) are not
/// emulated.
/// </summary>
internal static class FilterPath
{
    public static byte[] Apply(ReadOnlySpan<byte> json, string filter)
    {
        var paths = filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Split('.')).ToList();
        using var document = JsonDocument.Parse(json.ToArray());
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            WriteMatching(writer, document.RootElement, paths, 0);
            writer.WriteEndObject();
        }

        return output.ToArray();
    }

    // Writes the properties of an object that some path selects at this depth (the object itself is open).
    private static void WriteMatching(Utf8JsonWriter writer, JsonElement element, List<string[]> paths, int depth)
    {
        foreach (var property in element.EnumerateObject())
        {
            var matching = paths.Where(p => p.Length > depth && (p[depth] == "*" || p[depth] == property.Name)).ToList();
            if (matching.Count == 0)
            {
                continue;
            }

            writer.WritePropertyName(property.Name);
            if (matching.Any(p => p.Length == depth + 1))
            {
                property.Value.WriteTo(writer);
            }
            else
            {
                WriteValue(writer, property.Value, matching, depth + 1);
            }
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonElement value, List<string[]> paths, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                WriteMatching(writer, value, paths, depth);
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var element in value.EnumerateArray())
                {
                    WriteValue(writer, element, paths, depth);
                }

                writer.WriteEndArray();
                break;
            default:
                // A scalar where the path wanted to go deeper: Elasticsearch leaves it out; an empty object keeps
                // array positions in step, which is what matters for items.
                writer.WriteStartObject();
                writer.WriteEndObject();
                break;
        }
    }
}
