using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// Byte-level tests shared by the grammars. Each is a forward scan with bounded look-around, so a line costs time
/// linear in its length whatever it holds (issue 11: no quadratic work on a tenant's line).
/// </summary>
internal static class LineShape
{
    /// <summary>How far into a line a logger's level is looked for: timestamp, level, thread and logger come first
    /// in every common layout (logback, log4j, JUL, Python logging, Serilog).</summary>
    private const int LevelSearchBytes = 128;

    /// <summary>How far past an exception's name a code or HRESULT is skipped (<c>Error [ERR_X]:</c>,
    /// <c>SqlException (0x80131904):</c>).</summary>
    private const int MaxCodeBytes = 48;

    public static int Indent(ReadOnlySpan<byte> line)
    {
        var i = line.IndexOfAnyExcept(" \t"u8);
        return i < 0 ? line.Length : i;
    }

    public static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t"u8) < 0;

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line) => line.Trim(" \t"u8);

    public static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> line) => line.TrimEnd(" \t"u8);

    /// <summary>A JSON object: a structured logger's line, which carries its stack in a field, never on the lines after.</summary>
    public static bool IsJsonObject(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[0] is not ((byte)' ' or (byte)'\t'))
        {
            return !line.IsEmpty && line[0] == '{';
        }

        var i = line.IndexOfAnyExcept(" \t"u8);
        return i >= 0 && line[i] == '{';
    }

    public static bool IsDigits(ReadOnlySpan<byte> text) => !text.IsEmpty && text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    public static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>A character of a qualified type name (Java, .NET, Python, JavaScript): letters, digits, <c>_ $ .</c>,
    /// .NET's generic arity and nested types (<c>` +</c>), and any non-ASCII byte (names in other scripts).</summary>
    public static bool IsNameByte(byte b) => IsLetter(b) || IsDigit(b) || b is (byte)'_' or (byte)'$' or (byte)'.' or (byte)'`' or (byte)'+' || b >= 0x80;

    /// <summary>
    /// A stack frame that begins with <c>at</c> after some indentation: Java's <c>\tat com.x.Y.m(Y.java:12)</c> (with
    /// log4j's <c>~[app.jar:?]</c> after it), .NET's <c>   at Ns.T.M(String s) in /src/T.cs:line 9</c>, Node's
    /// <c>    at fn (/app/x.js:1:2)</c> and <c>    at /app/x.js:1:2</c>. Prose that happens to start with "at" after a
    /// tab (<c>  at the moment (maybe)</c>) has none of these shapes.
    /// </summary>
    public static bool IsAtFrame(ReadOnlySpan<byte> line)
    {
        var indent = Indent(line);
        if (indent == 0 || !line[indent..].StartsWith("at "u8))
        {
            return false;
        }

        var rest = TrimEnd(line[(indent + 3)..]);
        if (rest.EndsWith(" {"u8))
        {
            rest = TrimEnd(rest[..^1]); // Node: the error's properties follow
        }

        if (rest.IsEmpty)
        {
            return false;
        }

        // Java and .NET: a qualified method name, no space in it, then its parameters.
        var paren = rest.IndexOf((byte)'(');
        if (paren > 0 && rest[..paren].IndexOfAny(" \t"u8) < 0 && rest[..paren].Contains((byte)'.') && rest[paren..].Contains((byte)')'))
        {
            return true;
        }

        // Node: a function, then its location in parentheses.
        if (rest[^1] == ')')
        {
            var open = rest.LastIndexOf((byte)'(');
            return open >= 0 && IsNodeLocation(rest[(open + 1)..^1]);
        }

        // Node: the location alone.
        return rest.IndexOfAny(" \t"u8) < 0 && (rest.Contains((byte)'/') || rest.Contains((byte)'\\')) && EndsWithLineNumber(rest);
    }

    private static bool IsNodeLocation(ReadOnlySpan<byte> inside) =>
        EndsWithLineNumber(inside)
        || inside.SequenceEqual("native"u8) || inside.SequenceEqual("<anonymous>"u8) || inside.SequenceEqual("unknown location"u8)
        || (inside.StartsWith("index "u8) && IsDigits(inside[6..]));

    /// <summary>Ends in <c>:digits</c> (a line, or a line and column).</summary>
    public static bool EndsWithLineNumber(ReadOnlySpan<byte> text)
    {
        var digits = text.Length - 1;
        while (digits >= 0 && IsDigit(text[digits]))
        {
            digits--;
        }

        return digits >= 0 && digits < text.Length - 1 && text[digits] == ':';
    }

    /// <summary>
    /// A line that names an exception anywhere: a name ending in <c>Exception</c>, <c>Error</c> or <c>Throwable</c>,
    /// maybe a code after it (<c>Error [ERR_X]</c>, <c>SqlException (0x80131904)</c>), then <c>": "</c> or the end of
    /// the line. That covers a bare header (<c>java.lang.IllegalStateException: boom</c>, <c>TypeError: x</c>) and a
    /// logger line that ends in one (JUL's <c>... MakeLog: RuntimeException: Run from this message!</c>). Alone it
    /// joins nothing: a frame has to follow.
    /// </summary>
    public static bool IsThrowableHeader(ReadOnlySpan<byte> line) =>
        HasHeaderName(line, "Exception"u8) || HasHeaderName(line, "Error"u8) || HasHeaderName(line, "Throwable"u8);

    private static bool HasHeaderName(ReadOnlySpan<byte> line, ReadOnlySpan<byte> suffix)
    {
        for (var from = 0; ;)
        {
            var found = line[from..].IndexOf(suffix);
            if (found < 0)
            {
                return false;
            }

            var end = from + found + suffix.Length;
            if (EndsHeader(line[end..]))
            {
                return true;
            }

            from = end;
        }
    }

    /// <summary>What may follow an exception's name in a header: an optional code, then <c>": "</c> or nothing.</summary>
    private static bool EndsHeader(ReadOnlySpan<byte> after)
    {
        if (after.Length >= 2 && after[0] == ' ' && after[1] is (byte)'[' or (byte)'(')
        {
            var close = after[1] == '[' ? (byte)']' : (byte)')';
            var window = after[2..Math.Min(after.Length, MaxCodeBytes)];
            var end = window.IndexOf(close);
            if (end <= 0 || window[..end].IndexOfAny(" \t"u8) >= 0)
            {
                return false;
            }

            after = after[(end + 3)..];
        }

        return IsBlank(after) || (after[0] == ':' && (after.Length == 1 || after[1] is (byte)' ' or (byte)'\t'));
    }

    /// <summary>
    /// A header that is a line of its own, as a runtime prints it after a logger's line: the exception's qualified name
    /// at the start (after <c>Exception in thread "x" </c>, <c>Unhandled exception. </c> or <c>Uncaught </c>), ending
    /// in <c>Exception</c>, <c>Error</c> or <c>Throwable</c>, then a code, <c>": "</c> or the end of the line.
    /// </summary>
    public static bool IsBareThrowableHeader(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("Exception in thread \""u8))
        {
            var close = line[21..].IndexOf("\" "u8);
            if (close < 0)
            {
                return false;
            }

            line = line[(21 + close + 2)..];
        }
        else if (line.StartsWith("Unhandled exception. "u8))
        {
            line = line[21..];
        }
        else if (line.StartsWith("Unhandled Exception: "u8))
        {
            line = line[21..];
        }
        else if (line.StartsWith("Uncaught "u8))
        {
            line = line[9..];
        }

        if (line.IsEmpty || !(IsLetter(line[0]) || line[0] is (byte)'_' or (byte)'$'))
        {
            return false;
        }

        var end = 1;
        while (end < line.Length && IsNameByte(line[end]))
        {
            end++;
        }

        var name = line[..end];
        return (name.EndsWith("Exception"u8) || name.EndsWith("Error"u8) || name.EndsWith("Throwable"u8)) && EndsHeader(line[end..]);
    }

    /// <summary>
    /// A logger's line at error or warning level: its first word in capitals (logback's, log4j's, Spring's, JUL's,
    /// Python's and Serilog's layouts print the level before any other such word) is <c>ERROR</c>, <c>SEVERE</c>,
    /// Serilog's <c>ERR</c>, ... What those layouts print just before a trace; such a line is held until the next one
    /// shows whether a trace follows. Only the first word counts, so an access log's <c>GET</c> ends the search at once.
    /// </summary>
    public static bool IsLoggerErrorLine(ReadOnlySpan<byte> line)
    {
        var head = Math.Min(line.Length, LevelSearchBytes);
        var i = 0;
        if (Vector128.IsHardwareAccelerated && head >= Vector128<byte>.Count)
        {
            // 16 bytes at a time: a bit per capital letter; a capital after a letter is inside a word, not its start.
            ref var start = ref MemoryMarshal.GetReference(line);
            var a = Vector128.Create((byte)'A');
            var letters = Vector128.Create((byte)('Z' - 'A' + 1));
            for (; i <= head - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                var mask = Vector128.LessThan(Vector128.LoadUnsafe(ref start, (nuint)i) - a, letters).ExtractMostSignificantBits();
                for (; mask != 0; mask &= mask - 1)
                {
                    var at = i + BitOperations.TrailingZeroCount(mask);
                    if (WordAt(line, at) is { } word)
                    {
                        return word;
                    }
                }
            }
        }

        for (; i < head; i++)
        {
            if ((uint)(line[i] - 'A') <= 'Z' - 'A' && WordAt(line, i) is { } word)
            {
                return word;
            }
        }

        return false;
    }

    /// <summary>Whether the word in capitals that begins at <paramref name="at"/> is a level, or null when no such word
    /// begins there (the capital follows a letter, or begins fewer than three capitals, or a lowercase letter follows).</summary>
    private static bool? WordAt(ReadOnlySpan<byte> line, int at)
    {
        if (at > 0 && IsLetter(line[at - 1]))
        {
            return null;
        }

        var next = at + 1;
        while (next < line.Length && (uint)(line[next] - 'A') <= 'Z' - 'A')
        {
            next++;
        }

        var run = next - at;
        if (run < 3 || (next < line.Length && IsLetter(line[next])))
        {
            return null;
        }

        return run <= 8 && IsLevel(line.Slice(at, run));
    }

    /// <summary>The level words, each packed into a number as <see cref="Pack"/> packs a word of up to 8 capitals.</summary>
    private static bool IsLevel(ReadOnlySpan<byte> word) => Pack(word) switch
    {
        0x455252 /* ERR */ or 0x46544C /* FTL */ or 0x57524E /* WRN */ => true,
        0x5741524E /* WARN */ or 0x43524954 /* CRIT */ => true,
        0x4552524F52 /* ERROR */ or 0x464154414C /* FATAL */ => true,
        0x534556455245 /* SEVERE */ or 0x5741524E494E47 /* WARNING */ or 0x435249544943414C /* CRITICAL */ => true,
        _ => false,
    };

    private static ulong Pack(ReadOnlySpan<byte> word)
    {
        ulong packed = 0;
        foreach (var b in word)
        {
            packed = (packed << 8) | b;
        }

        return packed;
    }
}
