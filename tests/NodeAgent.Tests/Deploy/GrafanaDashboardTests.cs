using System.Text.Json;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Deploy;

/// <summary>deploy/grafana/node-agent-dashboard.json parses, and every metric its panels query is one the agent emits.</summary>
public sealed class GrafanaDashboardTests
{
    private static readonly string DashboardPath = Repository.File("deploy", "grafana", "node-agent-dashboard.json");

    [Fact]
    public void Every_metric_the_dashboard_queries_is_emitted_by_the_agent()
    {
        var names = Expressions().SelectMany(MetricNames.In).Distinct().ToList();

        var missing = names.Where(n => MetricNames.FamilyInSource(n) is null).ToList();
        Assert.True(missing.Count == 0, "not in src/NodeAgent: " + string.Join(", ", missing));
        Assert.Contains("nodeagent_elasticsearch_request_duration_seconds_bucket", names);
    }

    [Theory]
    [InlineData("nodeagent_log_lines_read_total")]
    [InlineData("nodeagent_log_lag_bytes")]
    [InlineData("nodeagent_log_lag_seconds")]
    [InlineData("nodeagent_log_buffered_bytes")]
    [InlineData("nodeagent_elasticsearch_documents_total")]
    [InlineData("nodeagent_elasticsearch_dead_letters_total")]
    public void Dashboard_queries(string metric) => Assert.Contains(Expressions(), e => MetricNames.In(e).Contains(metric));

    [Fact]
    public void P99_comes_from_the_request_duration_histogram() =>
        Assert.Contains(Expressions(), e => e.StartsWith("histogram_quantile(0.99,", StringComparison.Ordinal) && e.Contains("nodeagent_elasticsearch_request_duration_seconds_bucket", StringComparison.Ordinal));

    [Fact]
    public void Panels_have_unique_ids_and_titles()
    {
        var panels = Dashboard().GetProperty("panels").EnumerateArray().ToList();
        Assert.NotEmpty(panels);
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.All(panels, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("title").GetString())));
    }

    private static JsonElement Dashboard()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        return document.RootElement.Clone();
    }

    private static List<string> Expressions() =>
        Dashboard().GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
}
