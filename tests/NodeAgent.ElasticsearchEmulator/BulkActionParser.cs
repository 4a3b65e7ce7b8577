using System.Text;
using System.Text.Json;

namespace NodeAgent.ElasticsearchEmulation;

internal enum BulkOperation
{
    Create,
    Index,
    Update,
    Delete,
}

internal readonly record struct BulkAction(BulkOperation Operation, string? Index, string? Id);

/// <summary>A request-level 400: the bulk body cannot be read, so nothing in it is applied.</summary>
internal sealed class BulkFormatException(string type, string reason) : Exception(reason)
{
    public string Type { get; } = type;
}

/// <summary>Reads one action/metadata line the way Elasticsearch's BulkRequestParser does, with its messages.</summary>
internal static class BulkActionParser
{
    // The metadata keys Elasticsearch 8 accepts in an action line; anything else fails the whole request.
    private static readonly HashSet<string> KnownParameters = new(StringComparer.Ordinal)
    {
        "_index", "_id", "routing", "version", "version_type", "if_seq_no", "if_primary_term", "pipeline", "require_alias",
        "require_data_stream", "list_executed_pipelines", "dynamic_templates", "retry_on_conflict", "_source",
    };

    public static BulkAction Parse(ReadOnlySpan<byte> line, int lineNumber)
    {
        var reader = new Utf8JsonReader(line);
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, lineNumber, "START_OBJECT or END_OBJECT");
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw Malformed(lineNumber, "FIELD_NAME", reader.TokenType);
            }

            var name = reader.GetString()!;
            var operation = name switch
            {
                "create" => BulkOperation.Create,
                "index" => BulkOperation.Index,
                "update" => BulkOperation.Update,
                "delete" => BulkOperation.Delete,
                _ => throw new BulkFormatException("illegal_argument_exception",
                    $"Malformed action/metadata line [{lineNumber}], expected field [create], [delete], [index] or [update] but found [{name}]"),
            };
            Expect(ref reader, JsonTokenType.StartObject, lineNumber, "START_OBJECT");
            string? index = null;
            string? id = null;
            while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                if (!KnownParameters.Contains(key))
                {
                    throw new BulkFormatException("illegal_argument_exception", $"Action/metadata line [{lineNumber}] contains an unknown parameter [{key}]");
                }

                Read(ref reader);
                switch (key)
                {
                    case "_index":
                        index = Text(ref reader);
                        break;
                    case "_id":
                        id = Text(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            Read(ref reader);
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw Malformed(lineNumber, "END_OBJECT", reader.TokenType);
            }

            return new BulkAction(operation, index, id);
        }
        catch (JsonException e)
        {
            throw new BulkFormatException("x_content_parse_exception",
                $"[1:{(e.BytePositionInLine ?? 0) + 1}] Unexpected character in action/metadata line [{lineNumber}]: {SourceInspector.Brief(e)}");
        }
    }

    private static string Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        _ => throw new BulkFormatException("x_content_parse_exception", $"[1:{reader.TokenStartIndex + 1}] expected a string or number"),
    };

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, int lineNumber, string esName)
    {
        if (!reader.Read() || reader.TokenType != expected)
        {
            throw Malformed(lineNumber, esName, reader.TokenType);
        }
    }

    private static bool Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("unexpected end of line", null, 0, reader.BytesConsumed);
        }

        return true;
    }

    private static BulkFormatException Malformed(int lineNumber, string expected, JsonTokenType found) =>
        new("illegal_argument_exception", $"Malformed action/metadata line [{lineNumber}], expected {expected} but found [{TokenName(found)}]");

    // Jackson's token names, which Elasticsearch puts in its messages.
    private static string TokenName(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "START_OBJECT",
        JsonTokenType.EndObject => "END_OBJECT",
        JsonTokenType.StartArray => "START_ARRAY",
        JsonTokenType.EndArray => "END_ARRAY",
        JsonTokenType.PropertyName => "FIELD_NAME",
        JsonTokenType.String => "VALUE_STRING",
        JsonTokenType.Number => "VALUE_NUMBER_INT",
        JsonTokenType.True or JsonTokenType.False => "VALUE_BOOLEAN",
        JsonTokenType.Null => "VALUE_NULL",
        _ => "null",
    };
}
