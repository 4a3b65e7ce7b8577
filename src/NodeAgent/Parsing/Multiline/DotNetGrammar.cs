namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// .NET's <c>Exception.ToString()</c>: a header (<c>Unhandled exception. System.InvalidOperationException: msg</c>,
/// <c>System.Net.Sockets.SocketException (111): msg</c>), <c>   at Ns.Type.Method(args) in /src/File.cs:line 12</c>
/// frames, inner exceptions (<c> ---> System.X: msg</c>, <c>   --- End of inner exception stack trace ---</c>), async
/// boundaries (<c>--- End of stack trace from previous location ---</c>); and the console logger's entries
/// (<c>fail: Category[EventId]</c> with its message and exception on the lines after it, indented by six spaces),
/// which are one event written over several lines.
/// </summary>
internal sealed class DotNetGrammar : TraceGrammar
{
    public static DotNetGrammar Instance { get; } = new();

    private const int Header = 0; // a header or an inner exception's: a frame comes next
    private const int Frames = 1;
    private const int Console = 2;

    /// <summary>Microsoft.Extensions.Logging.Console's simple formatter indents an entry's lines by this much.</summary>
    private static ReadOnlySpan<byte> ConsoleIndent => "      "u8;

    private DotNetGrammar()
    {
    }

    public override int Start(ReadOnlySpan<byte> line) =>
        IsConsoleHeader(line) ? Console : LineShape.IsThrowableHeader(line) ? Header : -1;

    public override int StartAfterLoggerLine(ReadOnlySpan<byte> line) => LineShape.IsBareThrowableHeader(line) ? Header : -1;

    public override Step Next(int state, ReadOnlySpan<byte> line)
    {
        if (state == Console)
        {
            return line.StartsWith(ConsoleIndent) && !LineShape.IsBlank(line) ? Step.Frame(Console) : Step.Reject;
        }

        if (LineShape.IsAtFrame(line))
        {
            return Step.Frame(Frames);
        }

        var text = LineShape.Trim(line);
        if (IsInner(text))
        {
            return Step.Frame(Header);
        }

        return state == Frames && ((text.StartsWith("--- End of "u8) && text.EndsWith(" ---"u8)) || text.StartsWith("<---"u8))
            ? Step.Frame(Frames)
            : Step.Reject;
    }

    /// <summary><c>---> System.IO.IOException: msg</c>; an AggregateException's <c>---> (Inner Exception #0) System.X: msg</c>.</summary>
    private static bool IsInner(ReadOnlySpan<byte> text)
    {
        if (!text.StartsWith("---> "u8))
        {
            return false;
        }

        text = text[5..];
        if (text.StartsWith("(Inner Exception #"u8))
        {
            var close = text.IndexOf(") "u8);
            text = close < 0 ? [] : text[(close + 2)..];
        }

        return LineShape.IsBareThrowableHeader(text);
    }

    /// <summary><c>fail: Microsoft.AspNetCore.Server.Kestrel[13]</c>: a level, the category, the event id.</summary>
    private static bool IsConsoleHeader(ReadOnlySpan<byte> line)
    {
        if (line.Length < 10 || line[4] != ':' || line[5] != ' ' || line[^1] != ']')
        {
            return false;
        }

        var level = line[..4];
        if (!(level.SequenceEqual("fail"u8) || level.SequenceEqual("crit"u8) || level.SequenceEqual("warn"u8)
            || level.SequenceEqual("info"u8) || level.SequenceEqual("dbug"u8) || level.SequenceEqual("trce"u8)))
        {
            return false;
        }

        var category = line[6..^1];
        var open = category.LastIndexOf((byte)'[');
        return open > 0 && category[..open].IndexOfAny(" \t"u8) < 0
            && (LineShape.IsDigits(category[(open + 1)..]) || (category[(open + 1)..].StartsWith("-"u8) && LineShape.IsDigits(category[(open + 2)..])));
    }
}
