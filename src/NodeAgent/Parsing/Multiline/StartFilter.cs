namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// A quick "no" for the common line: false means no built-in grammar can begin a trace at it, so the joiner passes it
/// straight through without trying each grammar (seven grammars' searches cost about ten times what this does). It
/// may say yes to lines that begin nothing; it must never say no to one that does (a test checks every grammar's
/// starts against it). What it looks at: the line's ends, and every colon with the word just before it, since the
/// headers the grammars know name an exception, a panic or a source file right before a colon, or end the line.
/// </summary>
internal static class StartFilter
{
    /// <summary>How far back from a line's end a code after an exception's name is looked for (<c>Error [ERR_X]</c>).</summary>
    private const int CodeWindow = 64;

    public static bool MayStart(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return false;
        }

        // Headers known by their first bytes: Python's, Go's, the .NET console logger's ("fail: Category[0]").
        var first = line[0];
        if ((first == 'T' && line.StartsWith("Traceback"u8))
            || (first == 'g' && line.StartsWith("goroutine "u8))
            || (first == 'S' && line.StartsWith("SIGQUIT"u8))
            || (first is (byte)' ' or (byte)'\t' or (byte)'+' or (byte)'E' && line.IndexOf("Exception Group Traceback"u8) >= 0)
            || (line.Length >= 10 && line[4] == ':' && line[5] == ' ' && line[^1] == ']'))
        {
            return true;
        }

        // Headers that end the line: "java.lang.StackOverflowError", "Error [ERR_X]", Node's "/app/server.js:27",
        // Rails' "ActiveRecord::RecordNotFound (Couldn't find User with 'id'=5):".
        var text = line[^1] is (byte)' ' or (byte)'\t' ? LineShape.TrimEnd(line) : line;
        if (text.IsEmpty)
        {
            return false;
        }

        if (EndsWithName(text) || (text[^1] is (byte)']' or (byte)')' && HasNameNear(text)) || text.EndsWith("):"u8)
            || (LineShape.IsDigit(text[^1]) && line.IndexOfAny(" \t"u8) < 0))
        {
            return true;
        }

        for (var from = 0; ;)
        {
            var found = line[from..].IndexOf((byte)':');
            if (found < 0)
            {
                return false;
            }

            var colon = from + found;
            if (colon > 0 && NamesBeforeColon(line[..colon]))
            {
                return true;
            }

            from = colon + 1;
        }
    }

    private static bool EndsWithName(ReadOnlySpan<byte> text) => text[^1] switch
    {
        (byte)'n' => text.EndsWith("Exception"u8),
        (byte)'r' => text.EndsWith("Error"u8),
        (byte)'e' => text.EndsWith("Throwable"u8),
        _ => false,
    };

    private static bool HasNameNear(ReadOnlySpan<byte> text)
    {
        var tail = text[Math.Max(0, text.Length - CodeWindow)..];
        return tail.IndexOf("Exception"u8) >= 0 || tail.IndexOf("Error"u8) >= 0 || tail.IndexOf("Throwable"u8) >= 0;
    }

    /// <summary>What comes before a colon in a header: an exception's name (maybe with a code after it), Go's
    /// <c>panic</c> and net/http's <c>http: panic serving</c>, PHP's <c>Fatal error</c>, Laravel's <c>"exception"</c>,
    /// a Ruby or PHP source file.</summary>
    private static bool NamesBeforeColon(ReadOnlySpan<byte> head) => head[^1] switch
    {
        (byte)'n' => head.EndsWith("Exception"u8),
        (byte)'r' => head.EndsWith("Error"u8) || head.EndsWith("error"u8),
        (byte)'e' => head.EndsWith("Throwable"u8),
        (byte)'c' => head.EndsWith("panic"u8),
        (byte)'p' => head.EndsWith("http"u8) || head.EndsWith(".php"u8),
        (byte)'b' => head.EndsWith(".rb"u8),
        (byte)'"' => head.EndsWith("\"exception\""u8),
        (byte)']' or (byte)')' => HasNameNear(head),
        _ => false,
    };
}
