using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

        // Headers that end the line: "java.lang.StackOverflowError", "Error [ERR_X]", Rails'
        // "ActiveRecord::RecordNotFound (Couldn't find User with 'id'=5):".
        var text = line[^1] is (byte)' ' or (byte)'\t' ? LineShape.TrimEnd(line) : line;
        if (text.IsEmpty)
        {
            return false;
        }

        if (EndsWithName(text) || (text[^1] is (byte)']' or (byte)')' && HasNameNear(text)) || text.EndsWith("):"u8))
        {
            return true;
        }

        return AnyNameBeforeColon(line);
    }

    /// <summary>Every colon of the line, with the word before it: the first found by the runtime's search (most lines
    /// have none), the rest in 16-byte blocks, so a timestamp's colons cost a bit test each rather than a new search.</summary>
    private static bool AnyNameBeforeColon(ReadOnlySpan<byte> line)
    {
        var i = line.IndexOf((byte)':');
        if (i < 0)
        {
            return false;
        }

        if (!Vector128.IsHardwareAccelerated || line.Length < Vector128<byte>.Count)
        {
            for (; i < line.Length; i++)
            {
                if (line[i] == ':' && i > 0 && NamesBeforeColon(line[..i]))
                {
                    return true;
                }
            }

            return false;
        }

        ref var start = ref MemoryMarshal.GetReference(line);
        var colon = Vector128.Create((byte)':');
        while (i < line.Length)
        {
            // The last block overlaps the one before it; bits of bytes already looked at are dropped.
            var block = Math.Min(i, line.Length - Vector128<byte>.Count);
            var mask = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)block), colon).ExtractMostSignificantBits() >> (i - block);
            for (; mask != 0; mask &= mask - 1)
            {
                var at = i + BitOperations.TrailingZeroCount(mask);
                if (at > 0 && NamesBeforeColon(line[..at]))
                {
                    return true;
                }
            }

            i = block + Vector128<byte>.Count;
        }

        return false;
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
    /// a Ruby, PHP or JavaScript source file (Node's <c>/app/server.js:27</c>, <c>node:internal/...:391</c>,
    /// <c>file:///app/x.mjs:3</c>).</summary>
    private static bool NamesBeforeColon(ReadOnlySpan<byte> head) => head[^1] switch
    {
        (byte)'n' => head.EndsWith("Exception"u8),
        (byte)'r' => head.EndsWith("Error"u8) || head.EndsWith("error"u8),
        (byte)'e' => head.EndsWith("Throwable"u8) || head.EndsWith("node"u8) || head.EndsWith("file"u8),
        (byte)'s' => head.EndsWith(".js"u8) || head.EndsWith(".mjs"u8) || head.EndsWith(".cjs"u8) || head.EndsWith(".ts"u8),
        (byte)'x' => head.EndsWith(".jsx"u8) || head.EndsWith(".tsx"u8),
        (byte)'c' => head.EndsWith("panic"u8),
        (byte)'p' => head.EndsWith("http"u8) || head.EndsWith(".php"u8),
        (byte)'b' => head.EndsWith(".rb"u8),
        (byte)'"' => head.EndsWith("\"exception\""u8),
        (byte)']' or (byte)')' => HasNameNear(head),
        _ => false,
    };
}
