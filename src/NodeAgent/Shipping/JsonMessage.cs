using System.Text.Json;

namespace NodeAgent.Shipping;

/// <summary>
/// Checks a message before it is copied raw into a document's <c>json</c> field: it must be exactly one JSON object
/// that Elasticsearch will index, so a document is never refused for what the agent chose to parse.
/// </summary>
internal static class JsonMessage
{
    /// <summary>Elasticsearch's default <c>index.mapping.depth.limit</c> is 20 from the document root, and
    /// <c>json</c> itself is one level of it.</summary>
    private const int MaxDepth = 19;

    [ThreadStatic]
    private static List<(int Start, int Length)>? t_names;

    [ThreadStatic]
    private static Stack<int>? t_objects;

    /// <summary>Field names Elasticsearch refuses in a document: empty, only spaces, starting or ending with a dot, or
    /// with an empty part between two dots (a dot splits a name into an object path).</summary>
    private static bool IsIndexableName(ReadOnlySpan<byte> name) =>
        name.IndexOfAnyExcept((byte)' ') >= 0 && name[0] != (byte)'.' && name[^1] != (byte)'.' && name.IndexOf(".."u8) < 0;

    /// <summary>
    /// Whether <paramref name="message"/> (valid UTF-8) is one JSON object and nothing else but whitespace, nested at
    /// most <see cref="MaxDepth"/> deep, with no key twice in one object (Elasticsearch refuses a duplicate field).
    /// Allocates nothing in the steady state.
    /// </summary>
    public static bool IsObject(ReadOnlySpan<byte> message)
    {
        // A raw line feed (allowed between JSON tokens) would end the NDJSON line the document is copied into.
        var start = message.IndexOfAnyExcept(" \t\r"u8);
        if (start < 0 || message[start] != (byte)'{' || message.Contains((byte)'\n'))
        {
            return false;
        }

        var names = t_names ??= [];
        var objects = t_objects ??= new Stack<int>();
        names.Clear();
        objects.Clear();
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        objects.Push(names.Count);
                        break;
                    case JsonTokenType.EndObject:
                        names.RemoveRange(objects.Peek(), names.Count - objects.Peek());
                        objects.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        // The name's raw bytes sit in the message (one span, so no sequence): compare them to the
                        // object's earlier names. Two escapes of one name are not caught; no logger writes those.
                        var nameStart = checked((int)reader.TokenStartIndex + 1);
                        var name = reader.ValueSpan;
                        if (!IsIndexableName(name))
                        {
                            return false;
                        }

                        for (var i = objects.Peek(); i < names.Count; i++)
                        {
                            if (message.Slice(names[i].Start, names[i].Length).SequenceEqual(name))
                            {
                                return false;
                            }
                        }

                        names.Add((nameStart, name.Length));
                        break;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            // Not JSON, several values, trailing text, or nested deeper than MaxDepth.
            return false;
        }
    }
}
