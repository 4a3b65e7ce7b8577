using NodeAgent.Delivery;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>Mode names (<c>Logs:Multiline</c>, the pod annotation) and custom rules resolve to a rule, or to a message
/// that says what is valid.</summary>
public sealed class MultilineRuleTests
{
    [Theory]
    [InlineData("auto", "auto")]
    [InlineData("AUTO", "auto")]
    [InlineData(" none ", "none")]
    [InlineData("java", "java")]
    [InlineData("Python", "python")]
    [InlineData("go", "go")]
    [InlineData("dotnet", "dotnet")]
    [InlineData("nodejs", "nodejs")]
    [InlineData("ruby", "ruby")]
    [InlineData("php", "php")]
    public void Built_in_names_resolve_case_insensitively(string name, string expected)
    {
        Assert.True(MultilineRule.TryResolve(name, null, out var rule, out var error), error);
        Assert.Equal(expected, rule.Name);
    }

    [Fact]
    public void Every_language_has_a_mode_and_auto_knows_them_all()
    {
        foreach (var language in Enum.GetValues<MultilineLanguage>())
        {
            Assert.Same(MultilineRule.For(language), MultilineRule.Resolve(MultilineRule.NameOf(language), null));
            Assert.Contains(MultilineRule.For(language).Grammars[0], MultilineRule.Auto.Grammars);
        }

        Assert.Equal(["auto", "none", "java", "python", "go", "dotnet", "nodejs", "ruby", "php"], MultilineRule.BuiltInNames);
        Assert.True(MultilineRule.None.JoinsNothing);
        Assert.False(MultilineRule.Auto.JoinsNothing);
    }

    [Theory]
    [InlineData("javascript")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("auto,java")]
    public void An_unknown_name_is_refused_with_every_valid_name(string? name)
    {
        Assert.False(MultilineRule.TryResolve(name, null, out _, out var error));
        Assert.Contains($"'{name}' is not a multiline mode", error, StringComparison.Ordinal);
        foreach (var valid in MultilineRule.BuiltInNames)
        {
            Assert.Contains(valid, error, StringComparison.Ordinal);
        }

        Assert.Contains("Logs:MultilineRules", error, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(() => MultilineRule.Resolve(name, null));
        Assert.StartsWith(error, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_rules_resolve_by_name_and_are_listed_when_a_name_is_unknown()
    {
        var rules = new Dictionary<string, MultilineRule>
        {
            ["batch"] = MultilineRule.Custom("batch", "^BEGIN ", "^\\s"),
            ["legacy"] = MultilineRule.Custom("legacy", "^\\d{4}-\\d{2}-\\d{2} ", "^[^0-9]"),
        };

        Assert.Same(rules["batch"], MultilineRule.Resolve("batch", rules));
        Assert.Same(rules["legacy"], MultilineRule.Resolve("LEGACY", rules));
        Assert.False(MultilineRule.TryResolve("other", rules, out _, out var error));
        Assert.Contains("or a custom rule (batch, legacy)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("Java")]
    public void A_custom_rule_cannot_take_a_built_in_name(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => MultilineRule.Custom(name, "^a", "^b"));
        Assert.Contains("built-in", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("^(unclosed", "^\\s", "Start", "not a valid regular expression")]
    [InlineData("^BEGIN", "", "Continue", "no Continue pattern")]
    [InlineData(null, "^\\s", "Start", "no Start pattern")]
    [InlineData("^(a)\\1", "^\\s", "Start", "linear time")] // a backreference needs backtracking
    [InlineData("^BEGIN", "^(?=\\s)", "Continue", "linear time")] // so does a lookahead
    public void A_custom_rule_whose_pattern_cannot_run_is_refused_with_what_is_wrong(string? start, string? @continue, string which, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => MultilineRule.Custom("batch", start, @continue));
        Assert.Contains("multiline rule 'batch'", error.Message, StringComparison.Ordinal);
        Assert.Contains(which, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_rule_joins_a_start_line_with_the_continuation_lines_after_it()
    {
        using var harness = new JoinerHarness(MultilineRule.Custom("report", "^REPORT ", "^\\s+\\|"));
        var before = harness.Feed("  | a continuation with nothing to continue");
        var first = harness.Feed("REPORT nightly");
        harness.Feed("  | orders: 1200");
        harness.Feed("  | refunds: 3");
        var next = harness.Feed("REPORT hourly"); // Continue does not match: a new group
        var last = harness.Feed("  | orders: 50");
        var lone = harness.Feed("REPORT empty");
        var after = harness.Feed("done");

        Assert.Equal(
            [harness.Single(before), harness.Joined(first, next - 1), harness.Joined(next, last), harness.Single(lone), harness.Single(after)],
            harness.FlushAll());
    }

    [Fact]
    public void A_custom_rule_tries_Continue_before_Start_and_sees_json_lines_too()
    {
        using var harness = new JoinerHarness(MultilineRule.Custom("java-ish", "Exception", "^(\\s+at |Caused by: )"));
        var first = harness.FeedLines("{\"x\":1} Exception\n\tat A.b(A.java:1)\nCaused by: x.YException: inner\n\tat A.c(A.java:2)");

        Assert.Equal([harness.Joined(first, first + 3)], harness.FlushAll());
    }

    [Fact]
    public void A_custom_rule_matches_non_ascii_text()
    {
        using var harness = new JoinerHarness(MultilineRule.Custom("fr", "^Échec", "^→"));
        var first = harness.FeedLines("Échec du paiement\n→ carte refusée");

        Assert.Equal([harness.Joined(first, first + 1)], harness.FlushAll());
        Assert.Equal(LogStream.Stdout, harness.Records[0].Stream);
    }
}
