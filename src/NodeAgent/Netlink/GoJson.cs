using System.Text.Json;

namespace NodeAgent.Netlink;

/// <summary>
/// Reading the JSON that node_exporter's test fixtures hold, as Go's encoding/json fills a struct from it: a property
/// matches a field name without regard to case, unknown properties are ignored, absent ones leave the zero value, and a
/// number must fit the field's type. A value of the wrong kind is an <see cref="InvalidDataException"/>.
/// </summary>
internal static class GoJson
{
    public static JsonElement? Field(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"expected an object, found {obj.ValueKind}");
        }

        // Go prefers an exact match, then takes the first case-insensitive one.
        JsonElement? folded = null;
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Name == name)
            {
                return property.Value;
            }

            folded ??= string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) ? property.Value : null;
        }

        return folded;
    }

    public static string String(JsonElement obj, string name) => Field(obj, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => "",
        { ValueKind: JsonValueKind.String } value => value.GetString()!,
        var other => throw new InvalidDataException($"{name}: expected a string, found {other.Value.ValueKind}"),
    };

    public static ulong UInt64(JsonElement obj, string name, ulong max = ulong.MaxValue) => Field(obj, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => 0,
        { ValueKind: JsonValueKind.Number } value when value.TryGetUInt64(out var number) && number <= max => number,
        var other => throw new InvalidDataException($"{name}: not an unsigned integer that fits: {other.Value.GetRawText()}"),
    };

    public static long Int64(JsonElement obj, string name) => Field(obj, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => 0,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var number) => number,
        var other => throw new InvalidDataException($"{name}: not an integer: {other.Value.GetRawText()}"),
    };

    /// <summary>A Go <c>[]byte</c> (net.HardwareAddr): base64 text; null or absent is empty.</summary>
    public static byte[] Bytes(JsonElement obj, string name) => Field(obj, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => [],
        { ValueKind: JsonValueKind.String } value when value.TryGetBytesFromBase64(out var bytes) => bytes,
        var other => throw new InvalidDataException($"{name}: expected base64 bytes, found {other.Value.GetRawText()}"),
    };

    /// <summary>The elements of a top-level array (Go's nil slice for <c>null</c>).</summary>
    public static List<JsonElement> Array(JsonDocument document) => document.RootElement.ValueKind switch
    {
        JsonValueKind.Array => [.. document.RootElement.EnumerateArray()],
        JsonValueKind.Null => [],
        var kind => throw new InvalidDataException($"expected an array, found {kind}"),
    };
}
