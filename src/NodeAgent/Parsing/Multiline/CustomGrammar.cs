using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// A rule from configuration: a line matching <see cref="StartPattern"/> begins a group, and the lines after it that
/// match <see cref="ContinuePattern"/> join it (Continue is tried first, as Fluent Bit's multiline rules do, so a
/// <c>Caused by: x.YException</c> that also matches Start still continues). Both are compiled with
/// <see cref="RegexOptions.NonBacktracking"/>: a tenant's line costs time linear in its length whatever the pattern.
/// </summary>
internal sealed class CustomGrammar : TraceGrammar
{
    private const int Started = 0;

    private readonly Regex _start;
    private readonly Regex _continue;

    public CustomGrammar(Regex start, Regex @continue)
    {
        _start = start;
        _continue = @continue;
    }

    public string StartPattern => _start.ToString();

    public string ContinuePattern => _continue.ToString();

    public override int Start(ReadOnlySpan<byte> line) => Matches(_start, line) ? Started : -1;

    public override Step Next(int state, ReadOnlySpan<byte> line) => Matches(_continue, line) ? Step.Frame(Started) : Step.Reject;

    /// <summary>Matches the line's text (invalid UTF-8 decoded as U+FFFD), decoded into a pooled buffer.</summary>
    private static bool Matches(Regex regex, ReadOnlySpan<byte> line)
    {
        if (line.Length <= 256)
        {
            Span<char> small = stackalloc char[256];
            var written = Encoding.UTF8.GetChars(line, small);
            return regex.IsMatch(small[..written]);
        }

        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(line.Length));
        try
        {
            var written = Encoding.UTF8.GetChars(line, chars);
            return regex.IsMatch(chars.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
