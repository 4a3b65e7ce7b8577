namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// Go's runtime tracebacks: <c>panic: ...</c> (with <c>[recovered]</c> and the indented panics after it, and
/// <c>[signal SIGSEGV: ...]</c>), <c>fatal error: ...</c>, net/http's logged <c>http: panic serving addr: ...</c>, and
/// goroutine dumps (<c>SIGQUIT: quit</c>, or a dump that starts at its first goroutine): each goroutine a header
/// (<c>goroutine 1 [running]:</c>, Go 1.23's <c>goroutine 1 gp=0x... m=0 mp=0x... [running]:</c>) then pairs of a
/// function line and a <c>\t/path/file.go:NN +0x..</c> line, <c>created by ...</c>, goroutines separated by blank
/// lines, and <c>exit status 2</c> (what <c>go run</c> adds).
/// </summary>
internal sealed class GoGrammar : TraceGrammar
{
    public static GoGrammar Instance { get; } = new();

    private const int Panic = 0; // the panic's lines before its first goroutine
    private const int Blank = 1;
    private const int Goroutine = 2; // a function line (or the end of the goroutine) comes next
    private const int Function = 3; // its file line comes next
    private const int Exited = 4;

    private GoGrammar()
    {
    }

    public override int Start(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("panic: "u8) || line.StartsWith("fatal error: "u8) || line.StartsWith("SIGQUIT: quit"u8))
        {
            return Panic;
        }

        if (IsGoroutine(line))
        {
            return Goroutine;
        }

        // A panic a logger printed: a recover() that logs "panic: ...", net/http's "http: panic serving 10.0.0.1:5000: boom".
        var panic = line.IndexOf("panic: "u8);
        return panic > 0 || line.IndexOf("http: panic serving "u8) >= 0 ? Panic : -1;
    }

    public override Step Next(int state, ReadOnlySpan<byte> line)
    {
        if (state == Exited)
        {
            return Step.Reject;
        }

        if (IsGoroutine(line) || line.SequenceEqual("runtime stack:"u8))
        {
            return Step.Frame(Goroutine);
        }

        if (LineShape.IsBlank(line))
        {
            return state == Blank ? Step.Reject : Step.Maybe(Blank);
        }

        switch (state)
        {
            case Panic:
                // The rest of a panic's message (a value printed over lines), a panic while panicking, the signal of
                // a crash, SIGQUIT's PC: all before the first goroutine, which confirms them.
                return Step.Maybe(Panic);
            case Blank:
                return IsExit(line) ? Step.Frame(Exited) : Step.Reject;
            case Goroutine:
                if (line.StartsWith("created by "u8) || IsFunction(line))
                {
                    return Step.Frame(Function);
                }

                return line.SequenceEqual("...additional frames elided..."u8) ? Step.Frame(Goroutine)
                    : IsExit(line) ? Step.Frame(Exited)
                    : Step.Reject;
            case Function:
                return line[0] == '\t' ? Step.Frame(Goroutine) : Step.Reject;
            default:
                return Step.Reject;
        }
    }

    /// <summary><c>goroutine 7 [chan receive, 3 minutes]:</c>, <c>goroutine 1 gp=0xc000002380 m=0 mp=0x5d2a40 [running]:</c>.</summary>
    private static bool IsGoroutine(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("goroutine "u8))
        {
            return false;
        }

        var rest = line[10..];
        var space = rest.IndexOf((byte)' ');
        return space > 0 && LineShape.IsDigits(rest[..space]) && LineShape.TrimEnd(rest).EndsWith("]:"u8) && rest[space..].Contains((byte)'[');
    }

    /// <summary><c>main.main()</c>, <c>net/http.(*conn).serve(0xc000...)</c>, <c>panic({0x6c2f40?, 0x7b5e10?})</c>.</summary>
    private static bool IsFunction(ReadOnlySpan<byte> line)
    {
        var text = LineShape.TrimEnd(line);
        var paren = text.IndexOf((byte)'(');
        return paren > 0 && text[0] is not ((byte)' ' or (byte)'\t') && text[..paren].IndexOf((byte)' ') < 0 && text[^1] == ')';
    }

    private static bool IsExit(ReadOnlySpan<byte> line) => line.StartsWith("exit status "u8) && LineShape.IsDigits(LineShape.TrimEnd(line[12..]));
}
