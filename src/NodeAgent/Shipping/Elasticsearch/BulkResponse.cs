using System.Buffers;
using System.Text.Json;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>What Elasticsearch said about one item: its status and, for a failure, the error's type and reason
/// (<see cref="BulkOutcomes.OfItem"/> says what that means).</summary>
internal readonly record struct BulkItemResult(int Status, string? ErrorType, string? ErrorReason);

/// <summary>
/// Reads a <c>_bulk</c> response without trusting its HTTP 200: every item, in request order (Elasticsearch answers
/// items in the order of the actions). Only failures allocate (their error type and reason).
/// </summary>
internal static class BulkResponse
{
    /// <summary>The items' results, in an array rented from the shared pool (at least <paramref name="expected"/> long:
    /// a new one per answer of thousands of items was garbage on the large object heap; give it back with
    /// <see cref="Return"/>), or false with what is wrong when the body is not a bulk response of
    /// <paramref name="expected"/> items (a broken proxy's rewrite, a truncated body, statuses that are not numbers):
    /// the caller treats that like a failed request and sends it again.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, int expected, out BulkItemResult[] results, out string? problem)
    {
        var rented = ArrayPool<BulkItemResult>.Shared.Rent(Math.Max(expected, 1));
        try
        {
            Parse(json, expected, rented);
            results = rented;
            problem = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException)
        {
            // InvalidOperationException: a token of another type than asked (a status "201" as a string).
            Return(rented);
            results = [];
            problem = e.Message;
            return false;
        }
    }

    /// <summary>Gives back an array <see cref="TryParse"/> filled, cleared (it holds failures' strings).</summary>
    public static void Return(BulkItemResult[] results)
    {
        if (results.Length > 0)
        {
            ArrayPool<BulkItemResult>.Shared.Return(results, clearArray: true);
        }
    }

    /// <summary>The items' results; <see cref="JsonException"/> or <see cref="InvalidDataException"/> when the body is
    /// not a bulk response of <paramref name="expected"/> items (then the whole request is retried).</summary>
    public static BulkItemResult[] Parse(ReadOnlySpan<byte> json, int expected) => Parse(json, expected, new BulkItemResult[expected]);

    private static BulkItemResult[] Parse(ReadOnlySpan<byte> json, int expected, BulkItemResult[] results)
    {
        var count = 0;
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            Expect(ref reader, JsonTokenType.StartArray);
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                // { "<action>": { ... "status": 201, "error": { "type": ..., "reason": ... } } }
                Expect(ref reader, JsonTokenType.PropertyName);
                Expect(ref reader, JsonTokenType.StartObject);
                var result = ReadItem(ref reader);
                Expect(ref reader, JsonTokenType.EndObject);
                if (count == expected)
                {
                    throw new InvalidDataException($"the bulk response has more items than the {expected} sent");
                }

                results[count++] = result;
            }
        }

        return count == expected ? results
            : throw new InvalidDataException($"the bulk response has {count} items for the {expected} sent");
    }

    private static BulkItemResult ReadItem(ref Utf8JsonReader reader)
    {
        var status = 0;
        string? type = null;
        string? reason = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                status = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    (type, reason) = ReadError(ref reader);
                }
                else
                {
                    reason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return status != 0 ? new BulkItemResult(status, type, reason)
            : throw new InvalidDataException("a bulk response item has no status");
    }

    private static (string? Type, string? Reason) ReadError(ref Utf8JsonReader reader)
    {
        string? type = null;
        string? reason = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetString();
            }
            else if (reader.ValueTextEquals("reason"u8))
            {
                reader.Read();
                reason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (type, reason);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
        {
            throw new InvalidDataException($"the bulk response is not as expected: {token} wanted, {reader.TokenType} found");
        }
    }
}
