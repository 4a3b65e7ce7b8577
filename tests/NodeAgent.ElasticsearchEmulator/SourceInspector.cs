using System.Text;
using System.Text.Json;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>What the emulator needs to know about a document source without mapping it: is it one JSON object, does
/// it carry the data stream timestamp, and where a field's value sits (for the "[line:column]" of parse errors).</summary>
internal static class SourceInspector
{
    private static ReadOnlySpan<byte> Timestamp => "@timestamp"u8;

    /// <summary>Reads the whole source; false with a reason and 1-based column when it is not a single JSON object.</summary>
    public static bool TryInspect(ReadOnlySpan<byte> source, out bool hasTimestamp, out long column, out string? error)
    {
        hasTimestamp = false;
        column = 0;
        error = null;
        var reader = new Utf8JsonReader(source, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                column = reader.TokenStartIndex + 1;
                error = "failed to parse: expected a JSON object as the document source";
                return false;
            }

            while (reader.Read())
            {
                // Depth 1 is a top-level property: "@timestamp" written flat or as a dotted object root counts.
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(Timestamp))
                {
                    hasTimestamp = true;
                }
            }

            column = source.Length;
            return true;
        }
        catch (JsonException e)
        {
            column = (e.BytePositionInLine ?? 0) + 1;
            error = "failed to parse: " + Brief(e);
            return false;
        }
    }

    /// <summary>A (dotted) field's value as text: strings unquoted, anything else as raw JSON; null when absent.
    /// Elasticsearch treats <c>{"a":{"b":1}}</c> and <c>{"a.b":1}</c> alike, so both spellings are found.</summary>
    public static string? FieldText(JsonElement element, string dottedPath)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (element.TryGetProperty(dottedPath, out var whole))
        {
            return whole.ValueKind == JsonValueKind.String ? whole.GetString() : whole.GetRawText();
        }

        for (var dot = dottedPath.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = dottedPath.IndexOf('.', dot + 1))
        {
            if (element.TryGetProperty(dottedPath[..dot], out var child) && FieldText(child, dottedPath[(dot + 1)..]) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The scalar values whose dotted paths are among <paramref name="paths"/>, in document order, as text
    /// (strings unquoted, numbers and booleans as written: what a keyword field takes), with their 1-based column.
    /// <c>{"a":{"b":"x"}}</c> and <c>{"a.b":"x"}</c> both give <c>a.b</c>; nulls and array elements are left out.</summary>
    public static List<FieldValue> ScalarValues(ReadOnlySpan<byte> source, IReadOnlyCollection<string> paths)
    {
        // Only a property whose last segment ends one of the paths is worth joining into a full path.
        var leaves = paths.Select(p => p[(p.LastIndexOf('.') + 1)..]).ToHashSet(StringComparer.Ordinal);
        var found = new List<FieldValue>();
        var reader = new SourcePathReader(source);
        try
        {
            while (reader.Read())
            {
                if (reader.Property is { } property
                    && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.Null)
                    && leaves.Contains(property[(property.LastIndexOf('.') + 1)..])
                    && reader.DottedPath() is var joined && paths.Contains(joined))
                {
                    var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan);
                    found.Add(new FieldValue(joined, text, reader.Column));
                }
            }
        }
        catch (JsonException)
        {
            // The source was validated before.
        }

        return found;
    }

    /// <summary>1-based column of the value of a (dotted) field, or 2 (just inside the object) when it is not found.</summary>
    public static long FieldColumn(ReadOnlySpan<byte> source, string dottedPath)
    {
        var reader = new SourcePathReader(source);
        try
        {
            while (reader.Read())
            {
                if (reader.Property is not null && reader.DottedPath() == dottedPath)
                {
                    return reader.Column;
                }
            }
        }
        catch (JsonException)
        {
            // The source was validated before; a failure here only loses the precise column.
        }

        return 2;
    }

    /// <summary>The reader's message without its own " LineNumber: 0 | BytePositionInLine: n." suffix: the
    /// "[line:column]" prefix already says where.</summary>
    public static string Brief(JsonException e)
    {
        var message = e.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return suffix > 0 ? message[..suffix] : message;
    }
}

/// <summary>One field's value in a document source: its dotted path, its text, and the 1-based column where it starts.</summary>
internal readonly record struct FieldValue(string Path, string Text, long Column);
