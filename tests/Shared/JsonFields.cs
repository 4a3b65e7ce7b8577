using System.Text.Json;

namespace NodeAgent.TestSupport;

/// <summary>Reads a document's field by its dotted ECS name, as Kibana shows it (compiled into each test project).</summary>
internal static class JsonFields
{
    /// <summary>The field's string, or the raw JSON of any other value; null when a part of the path is missing.</summary>
    public static string? Field(JsonElement document, string dotted)
    {
        var current = document;
        foreach (var part in dotted.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.String ? current.GetString() : current.GetRawText();
    }
}
