namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// Node.js: an error's header (<c>TypeError: x</c>, <c>Error [ERR_HTTP_HEADERS_SENT]: x</c>) and its
/// <c>    at fn (file:line:col)</c> frames, the properties Node prints after the last frame (<c>... {</c>, indented
/// <c>code: 'ECONNREFUSED'</c> lines, <c>}</c>, an error's <c>[cause]</c> inside them); and an uncaught exception as
/// the process dies: the source location (<c>/app/server.js:27</c>), its line, a caret under it, a blank line, the
/// error, and <c>Node.js v20.17.0</c> after a blank line.
/// </summary>
internal sealed class NodeJsGrammar : TraceGrammar
{
    public static NodeJsGrammar Instance { get; } = new();

    private const int Header = 0; // a frame comes next
    private const int Frames = 1;
    private const int Properties = 2;
    private const int AfterProperties = 3;
    private const int Blank = 4; // only "Node.js vX" may follow
    private const int Location = 5; // "/app/server.js:27": its source line comes next
    private const int Source = 6; // the caret comes next
    private const int Caret = 7;
    private const int CaretBlank = 8; // what was thrown comes next
    private const int Thrown = 9; // a thrown value that is not an Error: Node's hint comes next
    private const int Exited = 10;

    private NodeJsGrammar()
    {
    }

    public override int Start(ReadOnlySpan<byte> line) =>
        LineShape.IsThrowableHeader(line) ? Header : IsSourceLocation(line) ? Location : -1;

    public override int StartAfterLoggerLine(ReadOnlySpan<byte> line) => LineShape.IsBareThrowableHeader(line) ? Header : -1;

    public override Step Next(int state, ReadOnlySpan<byte> line)
    {
        switch (state)
        {
            case Header:
            case Frames:
                if (LineShape.IsAtFrame(line))
                {
                    return Step.Frame(LineShape.TrimEnd(line).EndsWith(" {"u8) ? Properties : Frames);
                }

                if (state == Frames && LineShape.Trim(line).StartsWith("... "u8) && line.IndexOf("lines matching cause stack trace"u8) > 0)
                {
                    return Step.Frame(Frames);
                }

                return state == Frames && LineShape.IsBlank(line) ? Step.Maybe(Blank) : Step.Reject;
            case Properties:
                if (line.Length > 0 && line[0] == '}' && LineShape.IsBlank(line[1..]))
                {
                    return Step.Frame(AfterProperties);
                }

                return LineShape.Indent(line) >= 2 && !LineShape.IsBlank(line) ? Step.Frame(Properties) : Step.Reject;
            case AfterProperties:
                return LineShape.IsBlank(line) ? Step.Maybe(Blank) : Step.Reject;
            case Blank:
                return line.StartsWith("Node.js v"u8) && line.Length > 9 && LineShape.IsDigit(line[9]) ? Step.Frame(Exited) : Step.Reject;
            case Location:
                return LineShape.IsBlank(line) ? Step.Reject : Step.Maybe(Source);
            case Source:
                return IsCaret(line) ? Step.Frame(Caret) : Step.Reject;
            case Caret:
                return LineShape.IsBlank(line) ? Step.Maybe(CaretBlank) : Step.Reject;
            case CaretBlank:
                if (LineShape.IsBlank(line))
                {
                    return Step.Reject;
                }

                if (LineShape.IsBareThrowableHeader(line))
                {
                    return Step.Maybe(Header);
                }

                // An unhandled rejection: "[UnhandledPromiseRejection: ...] {" and its properties.
                return LineShape.TrimEnd(line).EndsWith("{"u8) ? Step.Maybe(Properties) : Step.Maybe(Thrown);
            case Thrown:
                return line.StartsWith("(Use `node --trace-uncaught"u8) ? Step.Frame(AfterProperties) : Step.Reject;
            default:
                return Step.Reject;
        }
    }

    /// <summary><c>/app/server.js:27</c>, <c>file:///app/index.mjs:3</c>, <c>node:internal/process/promises:391</c>:
    /// where an uncaught exception was thrown, on a line of its own.</summary>
    private static bool IsSourceLocation(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line.IndexOfAny(" \t"u8) >= 0 || !LineShape.EndsWithLineNumber(line))
        {
            return false;
        }

        if (line.StartsWith("node:"u8) || line.StartsWith("file:///"u8))
        {
            return true;
        }

        var path = line[..line.LastIndexOf((byte)':')];
        return line[0] == '/' && (path.EndsWith(".js"u8) || path.EndsWith(".mjs"u8) || path.EndsWith(".cjs"u8) || path.EndsWith(".ts"u8) || path.EndsWith(".jsx"u8) || path.EndsWith(".tsx"u8));
    }

    private static bool IsCaret(ReadOnlySpan<byte> line)
    {
        var text = LineShape.Trim(line);
        return !text.IsEmpty && text.IndexOfAnyExcept((byte)'^') < 0;
    }
}
