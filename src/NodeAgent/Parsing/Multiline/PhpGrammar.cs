namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// PHP's uncaught exception (<c>PHP Fatal error:  Uncaught RuntimeException: msg in /app/x.php:41</c>, with or
/// without the <c>PHP </c> prefix and error_log's date, or PHP 5's <c>exception 'X' with message '...'</c>), then
/// <c>Stack trace:</c>, <c>#0 /app/x.php(18): f()</c> frames, <c>#2 {main}</c>, earlier exceptions after a blank line
/// and <c>Next X: msg</c>, and <c>  thrown in /app/x.php on line 41</c>; xdebug's <c>PHP Stack trace:</c> and
/// <c>PHP   1. {main}() /app/x.php:0</c>; and Laravel's log entry (<c>{"exception":"[object] (X(code: 0): ...</c>,
/// <c>[stacktrace]</c>, <c>#0 ...</c>, <c>"}</c>).
/// </summary>
internal sealed class PhpGrammar : TraceGrammar
{
    public static PhpGrammar Instance { get; } = new();

    private const int Header = 0; // "Stack trace:" comes next
    private const int Frames = 1;
    private const int Blank = 2; // "Next ..." comes next
    private const int Laravel = 3; // "[stacktrace]" comes next
    private const int LaravelFrames = 4;
    private const int Thrown = 5;

    private PhpGrammar()
    {
    }

    public override int Start(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("Fatal error: "u8) >= 0)
        {
            return Header;
        }

        // PHP 5's Exception::__toString(): "exception 'X' with message 'msg' in /app/x.php:5".
        var exception = line.IndexOf("exception '"u8);
        if (exception >= 0 && line[exception..].IndexOf("' with message '"u8) > 0 && line[exception..].IndexOf(".php:"u8) > 0)
        {
            return Header;
        }

        return line.IndexOf("\"exception\":\"[object] ("u8) >= 0 ? Laravel : -1;
    }

    public override Step Next(int state, ReadOnlySpan<byte> line)
    {
        switch (state)
        {
            case Header:
                var text = LineShape.TrimEnd(line);
                return text.SequenceEqual("Stack trace:"u8) || text.SequenceEqual("PHP Stack trace:"u8) ? Step.Frame(Frames) : Step.Reject;
            case Frames:
                if (IsFrame(line) || IsXdebugFrame(line))
                {
                    return Step.Frame(Frames);
                }

                if (LineShape.Indent(line) > 0 && LineShape.Trim(line).StartsWith("thrown in "u8))
                {
                    return Step.Frame(Thrown);
                }

                return LineShape.IsBlank(line) ? Step.Maybe(Blank) : Step.Reject;
            case Blank:
                return line.StartsWith("Next "u8) ? Step.Maybe(Header) : Step.Reject;
            case Laravel:
                return LineShape.TrimEnd(line).SequenceEqual("[stacktrace]"u8) ? Step.Frame(LaravelFrames) : Step.Reject;
            case LaravelFrames:
                return IsFrame(line) ? Step.Frame(LaravelFrames) : line.StartsWith("\"}"u8) ? Step.Frame(Thrown) : Step.Reject;
            default:
                return Step.Reject;
        }
    }

    /// <summary><c>#0 /app/x.php(18): f()</c>, <c>#1 [internal function]: g()</c>, <c>#2 {main}</c>.</summary>
    private static bool IsFrame(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("#"u8))
        {
            return false;
        }

        var space = line.IndexOf((byte)' ');
        return space > 1 && LineShape.IsDigits(line[1..space]);
    }

    /// <summary><c>PHP   1. {main}() /app/x.php:0</c>.</summary>
    private static bool IsXdebugFrame(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("PHP "u8))
        {
            return false;
        }

        var text = LineShape.Trim(line[4..]);
        var dot = text.IndexOf(". "u8);
        return dot > 0 && LineShape.IsDigits(text[..dot]);
    }
}
