using System.Text;
using System.Text.Json;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>Reads a document source value by value, keeping the dotted path of the property each value belongs to:
/// what the emulator needs to find a field by name without mapping the document. A name that holds dots itself
/// (<c>{"a.b":1}</c>) joins as it is written, so both spellings of a dotted field give the same path.</summary>
internal ref struct SourcePathReader(ReadOnlySpan<byte> source)
{
    private Utf8JsonReader _reader = new(source);
    // One entry per open object or array: the property it is the value of (null for the root and array elements).
    private readonly List<string?> _path = [];
    private string? _property;

    public readonly JsonTokenType TokenType => _reader.TokenType;

    /// <summary>The 1-based column where the current value starts.</summary>
    public readonly long Column => _reader.TokenStartIndex + 1;

    /// <summary>The name of the property whose value is the current one; null for the root and array elements.</summary>
    public readonly string? Property => _property;

    public readonly ReadOnlySpan<byte> ValueSpan => _reader.ValueSpan;

    public string? GetString() => _reader.GetString();

    /// <summary>Moves to the next value: a scalar, or the start of an object or array (names and ends are taken care
    /// of here). False at the end; a source that is not JSON throws <see cref="JsonException"/>.</summary>
    public bool Read()
    {
        // The value the caller was shown is behind us: an object or array it started is now a level of the path.
        if (_reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            _path.Add(_property);
        }

        _property = null;
        while (_reader.Read())
        {
            switch (_reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    _property = _reader.GetString();
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    if (_path.Count > 0)
                    {
                        _path.RemoveAt(_path.Count - 1);
                    }

                    break;
                default:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The dotted path of the current value's property (only meaningful when <see cref="Property"/> is set).</summary>
    public readonly string DottedPath()
    {
        var builder = new StringBuilder();
        foreach (var segment in _path)
        {
            if (segment is not null)
            {
                builder.Append(segment).Append('.');
            }
        }

        return builder.Append(_property).ToString();
    }
}
