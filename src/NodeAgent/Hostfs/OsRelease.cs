using System.Text;

namespace NodeAgent.Hostfs;

/// <summary>
/// An os-release(5) file parsed as node_exporter does it (hashicorp/go-envparse): one <c>KEY=value</c> per line, blank
/// lines and lines starting with <c>#</c> skipped, an optional <c>export </c> prefix, values unquoted, in
/// <c>'single'</c> or <c>"double"</c> quotes (JSON-style escapes inside double quotes) or mixed, a trailing
/// <c> # comment</c> after an unquoted part dropped. A later duplicate key wins. Any malformed line fails the file,
/// which node_exporter reports as a collector error.
/// </summary>
internal static class OsRelease
{
    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyDictionary<string, string> values, out string error)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        values = result;
        error = "";
        var number = 0;
        var rest = content;
        while (NodeAgent.Procfs.AsciiFields.NextLine(ref rest, out var raw))
        {
            number++;
            var line = raw.Trim(" \t\r\v\f"u8);
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            var equals = line.IndexOf((byte)'=');
            if (equals < 0)
            {
                error = $"line {number}: missing =";
                return false;
            }

            var key = line[..equals].Trim(" \t\r\v\f"u8);
            var value = line[(equals + 1)..].Trim(" \t\r\v\f"u8);
            if (key.Length > "export ".Length && key.StartsWith("export "u8))
            {
                key = key["export ".Length..];
            }

            if (!IsValidKey(key))
            {
                error = $"line {number}: invalid key \"{Encoding.UTF8.GetString(key)}\"";
                return false;
            }

            if (!TryUnquote(value, out var text, out var why))
            {
                error = $"line {number}: {why}";
                return false;
            }

            result[Encoding.UTF8.GetString(key)] = text;
        }

        return true;
    }

    /// <summary>The major.minor prefix of VERSION_ID that node_os_version carries (<c>^[0-9]+\.?[0-9]*</c>), or 0.</summary>
    public static double MajorMinor(string versionId)
    {
        var end = 0;
        while (end < versionId.Length && char.IsAsciiDigit(versionId[end]))
        {
            end++;
        }

        if (end == 0)
        {
            return 0;
        }

        if (end < versionId.Length && versionId[end] == '.')
        {
            end++;
            while (end < versionId.Length && char.IsAsciiDigit(versionId[end]))
            {
                end++;
            }
        }

        return double.Parse(versionId.AsSpan(0, end), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
    }

    // [A-Za-z_][A-Za-z0-9_./]*
    private static bool IsValidKey(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || !(char.IsAsciiLetter((char)key[0]) || key[0] == '_'))
        {
            return false;
        }

        foreach (var c in key[1..])
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'_' or (byte)'.' or (byte)'/'))
            {
                return false;
            }
        }

        return true;
    }

    private enum Mode
    {
        Normal,
        Double,
        Single,
        Escape,
    }

    private static bool TryUnquote(ReadOnlySpan<byte> value, out string text, out string error)
    {
        text = "";
        error = "";
        var output = new List<byte>(value.Length);
        var lastSignificant = 0; // for dropping blanks before a trailing comment
        var mode = Mode.Normal;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 32)
            {
                error = $"0x{c:x2} is an invalid value character";
                return false;
            }

            if (c > 127)
            {
                if (mode == Mode.Escape)
                {
                    error = "multibyte characters disallowed in escape sequences";
                    return false;
                }

                output.Add(c);
                lastSignificant = output.Count;
                continue;
            }

            switch (mode)
            {
                case Mode.Normal when c == '"':
                    mode = Mode.Double;
                    break;
                case Mode.Normal when c == '\'':
                    mode = Mode.Single;
                    break;
                case Mode.Normal when c == '#':
                    text = Encoding.UTF8.GetString([.. output.GetRange(0, lastSignificant)]);
                    return true;
                case Mode.Normal:
                    output.Add(c);
                    if (c is not ((byte)' ' or (byte)'\t'))
                    {
                        lastSignificant = output.Count;
                    }

                    break;
                case Mode.Double when c == '"':
                    mode = Mode.Normal;
                    break;
                case Mode.Double when c == '\\':
                    mode = Mode.Escape;
                    break;
                case Mode.Double:
                case Mode.Single when c != '\'':
                    output.Add(c);
                    lastSignificant = output.Count;
                    break;
                case Mode.Single:
                    mode = Mode.Normal;
                    break;
                case Mode.Escape:
                    if (!TryEscape(value, ref i, output, out error))
                    {
                        return false;
                    }

                    lastSignificant = output.Count;
                    mode = Mode.Double;
                    break;
            }
        }

        error = mode switch
        {
            Mode.Double => "unmatched \"",
            Mode.Single => "unmatched '",
            Mode.Escape => "incomplete escape sequence",
            _ => "",
        };
        text = Encoding.UTF8.GetString([.. output]);
        return mode == Mode.Normal;
    }

    private static bool TryEscape(ReadOnlySpan<byte> value, ref int i, List<byte> output, out string error)
    {
        error = "";
        switch (value[i])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/':
                output.Add(value[i]);
                return true;
            case (byte)'b':
                output.Add((byte)'\b');
                return true;
            case (byte)'f':
                output.Add((byte)'\f');
                return true;
            case (byte)'r':
                output.Add((byte)'\r');
                return true;
            case (byte)'n':
                output.Add((byte)'\n');
                return true;
            case (byte)'t':
                output.Add((byte)'\t');
                return true;
            case (byte)'u':
                if (!TryHex(value[(i + 1)..], out var rune))
                {
                    error = "incomplete or invalid \\u escape";
                    return false;
                }

                i += 4;
                if (char.IsSurrogate((char)rune))
                {
                    if (value.Length < i + 7 || value[i + 1] != '\\' || value[i + 2] != 'u' || !TryHex(value[(i + 3)..], out var low))
                    {
                        error = "incomplete Unicode surrogate pair";
                        return false;
                    }

                    i += 6;
                    rune = char.IsSurrogatePair((char)rune, (char)low) ? char.ConvertToUtf32((char)rune, (char)low) : 0xFFFD;
                }

                Span<byte> utf8 = stackalloc byte[4];
                var length = new Rune(rune).EncodeToUtf8(utf8);
                output.AddRange(utf8[..length]);
                return true;
            default:
                error = $"invalid escape sequence: \"{(char)value[i]}\"";
                return false;
        }
    }

    private static bool TryHex(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.Length < 4)
        {
            return false;
        }

        for (var k = 0; k < 4; k++)
        {
            var digit = HexDigit(text[k]);
            if (digit < 0)
            {
                return false;
            }

            value = (value * 16) + digit;
        }

        return true;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
