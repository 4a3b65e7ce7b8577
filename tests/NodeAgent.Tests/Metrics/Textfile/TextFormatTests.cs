using System.Text;
using NodeAgent.Metrics.Textfile;

namespace NodeAgent.Tests.Metrics.Textfile;

public sealed class TextFormatTests
{
    private static IReadOnlyList<TextFamily> Parse(string content)
    {
        Assert.True(TextFormat.TryParse(Encoding.UTF8.GetBytes(content), out var families, out var error), error);
        return families;
    }

    private static string Error(string content)
    {
        Assert.False(TextFormat.TryParse(Encoding.UTF8.GetBytes(content), out _, out var error));
        return error;
    }

    [Fact]
    public void Help_type_labels_and_escapes_are_read()
    {
        var family = Assert.Single(Parse("# HELP a_total Some \\\\ help\\nhere.\n# TYPE a_total counter\na_total{x=\"q\\\"\\\\\\n\",y=\"2\"} 3\n"));

        Assert.Equal("a_total", family.Name);
        Assert.Equal("Some \\ help\nhere.", family.Help);
        Assert.Equal(TextMetricType.Counter, family.Type);
        var metric = Assert.Single(family.Metrics);
        Assert.Equal([new("x", "q\"\\\n"), new KeyValuePair<string, string>("y", "2")], metric.Labels);
        Assert.Equal(3, metric.Value);
    }

    [Fact]
    public void Untyped_by_default_comments_ignored_and_empty_families_dropped()
    {
        var families = Parse("# just a comment\n# HELP lonely never sampled\n  plain 1.5e3\n\nspaced { a = \"b\" , } +Inf\n");

        Assert.Equal(["plain", "spaced"], families.Select(f => f.Name));
        Assert.All(families, f => Assert.Equal(TextMetricType.Untyped, f.Type));
        Assert.Equal(double.PositiveInfinity, families[1].Metrics[0].Value);
    }

    [Fact]
    public void Summaries_and_histograms_are_assembled_per_label_set()
    {
        var families = Parse(
            "# TYPE s summary\ns{q=\"a\",quantile=\"0.5\"} 1\ns_sum{q=\"a\"} 10\ns_count{q=\"a\"} 4\ns{q=\"b\",quantile=\"0.5\"} 2\n"
            + "# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 5\nh_sum 7.5\nh_count 5\n");

        var summary = families.Single(f => f.Name == "s");
        Assert.Equal(2, summary.Metrics.Count);
        Assert.Equal(10, summary.Metrics[0].Sum);
        Assert.Equal(4UL, summary.Metrics[0].Count);
        Assert.Equal(1, summary.Metrics[0].Points[0.5]);
        var histogram = Assert.Single(families.Single(f => f.Name == "h").Metrics);
        Assert.Equal([1.0, double.PositiveInfinity], histogram.Points.Keys);
        Assert.Equal(5UL, histogram.Count);
        Assert.Empty(histogram.Labels);
    }

    [Fact]
    public void Timestamps_are_recorded_for_the_caller_to_reject()
    {
        var family = Assert.Single(Parse("m 1 1700000000000\nm{a=\"b\"} 2 -5\n"));
        Assert.All(family.Metrics, m => Assert.True(m.HasTimestamp));
    }

    [Theory]
    [InlineData("m 1", "unexpected end of input stream")]
    [InlineData("m 1 \n", "expected integer as timestamp")]
    [InlineData("m 1 2 3\n", "spurious string after timestamp")]
    [InlineData("m\n", "expected float as value")]
    [InlineData("m 0x10\n", "expected float as value")]
    [InlineData("m 1_000\n", "expected float as value")]
    [InlineData("m{a=\"unterminated} 1\n", "unescaped new-line")]
    [InlineData("m{a=\"x\\t\"} 1\n", "invalid escape sequence")]
    [InlineData("m{a=\"1\",a=\"2\"} 1\n", "duplicate label names")]
    [InlineData("m{__name__=\"x\"} 1\n", "reserved")]
    [InlineData("m{a=b} 1\n", "expected '\"' at start of label value")]
    [InlineData("m{9a=\"b\"} 1\n", "invalid label name")]
    [InlineData("{\"utf8.name\"} 1\n", "invalid metric name")]
    [InlineData("# TYPE m gauge\n# TYPE m counter\n", "second TYPE line")]
    [InlineData("m 1\n# TYPE m gauge\n", "TYPE reported after samples")]
    [InlineData("# HELP m a\n# HELP m b\n", "second HELP line")]
    [InlineData("# TYPE m gauge \n", "unknown metric type")]
    [InlineData("# TYPE m{ gauge\n", "invalid metric name in comment")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", "expected float as value for 'le' label")]
    public void Violations_fail_the_whole_input_with_the_line(string content, string message)
    {
        var error = Error(content);
        Assert.StartsWith("text format parsing error in line ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
