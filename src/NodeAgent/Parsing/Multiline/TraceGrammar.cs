namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// What a grammar says of one line that follows a trace's earlier lines: it is not part of the trace
/// (<see cref="Reject"/>), it surely is and confirms every line held before it (<see cref="Frame"/>: a stack frame, a
/// <c>Caused by:</c>), or it is only if a later line confirms it (<see cref="Maybe"/>: a blank line between goroutines,
/// an exception header after a logger line). Lines that stay unconfirmed when the trace ends are shipped on their own:
/// that is what keeps the joining conservative (two ordinary lines are never joined on their shape alone).
/// </summary>
internal readonly record struct Step(int State, bool Confirms)
{
    public static Step Reject => new(-1, false);

    public bool Accepted => State >= 0;

    public static Step Frame(int state) => new(state, true);

    public static Step Maybe(int state) => new(state, false);
}

/// <summary>
/// The shape of one language's stack traces, as a state machine over lines (the approach of Google's
/// <c>detect_exceptions</c>, with a line's confirmation added). A grammar is stateless: the joiner keeps the state per
/// stream. Every test is a linear scan of the line's bytes (or a non-backtracking regular expression for a custom
/// rule), so a huge hostile line costs time linear in its length.
/// </summary>
internal abstract class TraceGrammar
{
    /// <summary>The state a trace begins in when <paramref name="line"/> may begin one, else -1.</summary>
    public abstract int Start(ReadOnlySpan<byte> line);

    /// <summary>The same for a line that follows a logger's error line (<see cref="LineShape.IsLoggerErrorLine"/>):
    /// only a header that is a line of its own (<c>java.lang.IllegalStateException: ...</c>, <c>Traceback ...</c>), so
    /// that a logger line is never joined with another logger line.</summary>
    public virtual int StartAfterLoggerLine(ReadOnlySpan<byte> line) => Start(line);

    /// <summary>What <paramref name="line"/> is to a trace whose previous line left it in <paramref name="state"/>.</summary>
    public abstract Step Next(int state, ReadOnlySpan<byte> line);
}
