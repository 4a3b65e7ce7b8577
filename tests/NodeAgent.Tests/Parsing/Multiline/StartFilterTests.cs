using System.Text;
using CsCheck;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>The joiner's quick "no" never turns away a line that a built-in grammar would begin a trace at.</summary>
public sealed class StartFilterTests
{
    private static readonly string[] Fragments =
    [
        "Exception", "Error", "Throwable", "error", "panic", "http", "Fatal error", "exception '", "' with message '", ".php",
        ".rb", ":", ": ", " ", "\t", "[", "]", "(", ")", " [ERR_X]", " (0x80131904)", "\"exception\"", ":\"[object] (",
        "Traceback (most recent call last):", "+ ", "Exception Group Traceback (most recent call last):", "goroutine ", "7",
        " [running]:", "SIGQUIT: quit", "fatal error: ", "fail", "info", "Cat[0]", "/app/x.js", "node:", "file:///", "12",
        ":in ", "in /a.php:5", "/app/x.mjs", "/a.ts", ".cjs", "/b.tsx", "file:", "http: panic serving ", "java.lang.", "Uncaught ", "Unhandled exception. ", "x", "A", "::",
    ];

    [Fact]
    public void Every_line_a_grammar_begins_a_trace_at_passes_the_filter()
    {
        var lines = Traces.All.Values.SelectMany(t => t.Lines).Concat(Traces.Ordinary);
        foreach (var line in lines)
        {
            PassesIfAGrammarStarts(Encoding.UTF8.GetBytes(line));
        }
    }

    [Fact]
    public void Every_random_line_of_header_pieces_a_grammar_begins_a_trace_at_passes_the_filter()
    {
        Gen.Int[0, Fragments.Length - 1].Array[1, 12]
            .Select(picks => Encoding.UTF8.GetBytes(string.Concat(picks.Select(p => Fragments[p]))))
            .Sample(PassesIfAGrammarStarts, iter: 20_000);
    }

    [Fact]
    public void Ordinary_lines_are_turned_away()
    {
        Assert.All(Traces.Ordinary.Where(l => !l.StartsWith('{')), line => Assert.False(StartFilter.MayStart(Encoding.UTF8.GetBytes(line)), line));
    }

    private static void PassesIfAGrammarStarts(byte[] line)
    {
        foreach (var grammar in MultilineRule.Auto.Grammars)
        {
            if (grammar.Start(line) >= 0)
            {
                Assert.True(StartFilter.MayStart(line), $"{grammar.GetType().Name} begins a trace at '{Encoding.UTF8.GetString(line)}' but the filter turns it away");
            }
        }
    }
}
