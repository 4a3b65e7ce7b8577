namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// Java (and the JVM's other languages) as <c>Throwable.printStackTrace</c> writes it: a header
/// (<c>Exception in thread "main" java.lang.IllegalStateException: boom</c>, a bare
/// <c>java.lang.IllegalStateException: boom</c>, or a logger's line that ends in one), <c>\tat</c> frames,
/// <c>\t... 5 more</c> (logback: <c>... 5 common frames omitted</c>), <c>Caused by: ...</c> and indented
/// <c>Suppressed: ...</c> with frames of their own, and Reactor's assembly checkpoints.
/// </summary>
internal sealed class JavaGrammar : TraceGrammar
{
    public static JavaGrammar Instance { get; } = new();

    private const int Header = 0; // a header or Caused by/Suppressed: a frame must follow
    private const int Frames = 1;

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
            return state == Frames ? Step.Frame(Frames) : Step.Maybe(Frames);
        }

        return state == Frames && IsOmittedFrames(text) ? Step.Frame(Frames) : Step.Reject;
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
