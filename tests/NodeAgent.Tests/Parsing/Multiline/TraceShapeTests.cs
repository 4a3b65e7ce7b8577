using NodeAgent.Delivery;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>Each built-in language's traces become one record, under <c>auto</c> and under the language's own mode,
/// with the ordinary lines around them left alone.</summary>
public sealed class TraceShapeTests
{
    public static TheoryData<string> Names() => Traces.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void A_trace_between_ordinary_lines_is_one_record_under_auto(string name) => JoinsBetweenOrdinaryLines(MultilineRule.Auto, name);

    [Theory]
    [MemberData(nameof(Names))]
    public void A_trace_is_one_record_under_its_own_language(string name) => JoinsBetweenOrdinaryLines(MultilineRule.For(Traces.All[name].Language), name);

    [Theory]
    [MemberData(nameof(Names))]
    public void Two_traces_in_a_row_are_two_records(string name)
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var lines = string.Join("\n", Traces.All[name].Lines);
        var first = harness.FeedLines(lines);
        var second = harness.FeedLines(lines);
        var third = harness.Feed(Traces.Ordinary[1]);

        Assert.Equal([harness.Joined(first, second - 1), harness.Joined(second, third - 1), harness.Single(third)], harness.FlushAll());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_trace_completes_when_the_next_line_comes_without_waiting_for_a_flush(string name)
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var first = harness.FeedLines(string.Join("\n", Traces.All[name].Lines));
        var after = harness.Feed(Traces.Ordinary[0]);

        Assert.Equal([harness.Joined(first, after - 1), harness.Single(after)], harness.Emitted);
        Assert.Null(harness.Joiner.OldestPendingStart);
    }

    [Fact]
    public void A_language_mode_does_not_join_another_languages_trace()
    {
        using var harness = new JoinerHarness(MultilineRule.For(MultilineLanguage.Go));
        var java = Traces.All["java uncaught with cause"].Lines;
        foreach (var line in java)
        {
            harness.Feed(line);
        }

        Assert.Equal(java.Length, harness.FlushAll().Count);
    }

    [Fact]
    public void Traces_of_different_languages_in_a_row_are_one_record_each()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var expected = new List<ExpectedRecord>();
        foreach (var (_, (_, lines)) in Traces.All)
        {
            var first = harness.FeedLines(string.Join("\n", lines));
            expected.Add(harness.Joined(first, harness.Lines.Count - 1));
        }

        Assert.Equal(expected, harness.FlushAll());
    }

    /// <summary>An ordinary line before and after the trace, and a line of the other stream in its middle (CRI
    /// interleaves the streams): that line goes out at once, the trace when the line after it comes.</summary>
    private static void JoinsBetweenOrdinaryLines(MultilineRule rule, string name)
    {
        using var harness = new JoinerHarness(rule);
        var lines = Traces.All[name].Lines;
        var before = harness.Feed(Traces.Ordinary[0]);
        var first = harness.Feed(lines[0]);
        var other = harness.Feed(Traces.Ordinary[2], LogStream.Stderr);
        foreach (var line in lines.Skip(1))
        {
            harness.Feed(line);
        }

        var after = harness.Feed(Traces.Ordinary[1]);
        var trace = harness.Joined(first, after - 1) with { Message = string.Join("\n", lines), Start = harness.Lines[first].Start };

        Assert.Equal([harness.Single(before), harness.Single(other), trace, harness.Single(after)], harness.FlushAll());
    }
}
