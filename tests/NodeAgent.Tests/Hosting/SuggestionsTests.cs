using NodeAgent.Hosting;

namespace NodeAgent.Tests.Hosting;

public sealed class SuggestionsTests
{
    [Theory]
    [InlineData("Logz", "Logs")]
    [InlineData("logs", "Logs")]
    [InlineData("Elasticserch", "Elasticsearch")]
    [InlineData("Metric", "Metrics")]
    [InlineData("Foo", null)]
    [InlineData("Completely", null)]
    public void Suggests_only_close_matches(string typed, string? expected) =>
        Assert.Equal(expected, Suggestions.Closest(typed, ConfigSchema.Sections));
}
