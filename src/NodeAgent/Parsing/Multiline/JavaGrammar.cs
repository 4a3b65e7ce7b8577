namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// Java (and the JVM's other languages) as <c>Throwable.printStackTrace</c> writes it: a header
/// (<c>Exception in thread "main" java.lang.IllegalStateException: boom</c>, a bare
/// <c>java.lang.IllegalStateException: boom</c>, or a logger's line that ends in one), <c>\tat</c> frames,
/// <c>\t... 5 more</c> (logback: <c>... 5 common frames omitted</c>), <c>Caused by: ...</c> and indented
/// <c>Suppressed: ...</c> with frames of their own, Kotlin's <c>(Coroutine boundary)</c>, and Reactor's assembly
/// checkpoints. A message may span a few lines before the first frame (Jackson's <c> at [Source: ...; line: 1]</c>,
/// SQL in a JDBC message): those lines are joined only if a frame follows them.
/// </summary>
internal sealed class JavaGrammar : TraceGrammar
{
    public static JavaGrammar Instance { get; } = new();

    private const int Header = 0; // a header or Caused by/Suppressed: a frame must follow
    private const int Frames = 1;
    private const int Message = 2; // 2, 3, 4: the lines of a message that spans lines (Jackson's " at [Source: ...]")

    /// <summary>How many lines after a header may continue its message before a frame has to come.</summary>
    private const int MaxMessageLines = 3;

    private JavaGrammar()
    {
    }

    public override int Start(ReadOnlySpan<byte> line) => LineShape.IsThrowableHeader(line) ? Header : -1;

    public override int StartAfterLoggerLine(ReadOnlySpan<byte> line) => LineShape.IsBareThrowableHeader(line) ? Header : -1;

    public override Step Next(int state, ReadOnlySpan<byte> line)
    {
        if (LineShape.IsAtFrame(line))
        {
            return Step.Frame(Frames);
        }

        var indent = LineShape.Indent(line);
        var text = LineShape.TrimEnd(line[indent..]);
        if (text.StartsWith("Caused by: "u8) || (indent > 0 && text.StartsWith("Suppressed: "u8)))
        {
            return state == Frames ? Step.Frame(Header) : Step.Maybe(Header);
        }

        // Reactor (Spring WebFlux) appends where the failing publisher was assembled, after a Suppressed: line.
        if (text.SequenceEqual("Error has been observed at the following site(s):"u8)
            || text.SequenceEqual("Original Stack Trace:"u8)
            || (indent > 0 && (text.StartsWith("*__checkpoint"u8) || text.StartsWith("|_ "u8))))
        {
            return Step.Frame(Frames);
        }

        if (state != Frames)
        {
            // More of the header's message, if a frame follows; never a blank line, another header or a logger's line.
            return state < Message + MaxMessageLines - 1 && !text.IsEmpty && !LineShape.IsThrowableHeader(line) && !LineShape.IsLoggerErrorLine(line)
                ? Step.Maybe(state == Header ? Message : state + 1)
                : Step.Reject;
        }

        return IsOmittedFrames(text) || (indent > 0 && text.SequenceEqual("(Coroutine boundary)"u8)) ? Step.Frame(Frames) : Step.Reject;
    }

    /// <summary><c>... 5 more</c>, <c>... 12 common frames omitted</c>.</summary>
    private static bool IsOmittedFrames(ReadOnlySpan<byte> text)
    {
        if (!text.StartsWith("... "u8))
        {
            return false;
        }

        var rest = text[4..];
        var space = rest.IndexOf((byte)' ');
        if (space <= 0 || !LineShape.IsDigits(rest[..space]))
        {
            return false;
        }

        var words = rest[(space + 1)..];
        return words.SequenceEqual("more"u8) || words.SequenceEqual("common frames omitted"u8) || words.SequenceEqual("frames omitted"u8);
    }
}
