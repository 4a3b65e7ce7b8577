using System.Diagnostics;
using NodeAgent.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace NodeAgent.Tests.Deploy;

/// <summary>
/// deploy/prometheus: the alerting rules pass <c>promtool check rules</c>, the scrape config passes
/// <c>promtool check config</c> inside a prometheus.yml, and every metric the rules use is one the agent emits.
/// </summary>
public sealed class PrometheusRulesTests
{
    private static readonly string RulesPath = Repository.File("deploy", "prometheus", "node-agent-rules.yml");

    private static readonly string ScrapeConfigPath = Repository.File("deploy", "prometheus", "scrape-config.yml");

    [ToolFact("promtool")]
    public void Promtool_accepts_the_rules()
    {
        var (exitCode, output) = Run("check", "rules", RulesPath);

        Assert.True(exitCode == 0, $"promtool check rules exited {exitCode}:\n{output}");
        Assert.Contains("SUCCESS: 6 rules found", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NodeAgentLogLagGrowing")]
    [InlineData("NodeAgentDeadLetters")]
    [InlineData("NodeAgentOutputDown")]
    [InlineData("NodeAgentLogBytesLost")]
    [InlineData("NodeAgentCollectorFailing")]
    [InlineData("NodeAgentKubernetesMetadataUnavailable")]
    public void Rules_have_the_alert(string alert) => Assert.Contains(alert, Rules().Select(r => Scalar(r, "alert")));

    [Fact]
    public void Every_metric_the_rules_use_is_emitted_by_the_agent()
    {
        var names = Rules().SelectMany(r => MetricNames.In(Scalar(r, "expr"))).Distinct().ToList();

        Assert.Contains("nodeagent_log_lag_seconds", names);
        Assert.Contains("node_scrape_collector_success", names);
        var missing = names.Where(n => MetricNames.FamilyInSource(n) is null).ToList();
        Assert.True(missing.Count == 0, "not in src/NodeAgent: " + string.Join(", ", missing));
    }

    /// <summary>
    /// Debian's prometheus 2.42 (what tests/run-all.sh installs) is built without Kubernetes service discovery and
    /// without scrape_config_files, so the check embeds the scrape jobs in a prometheus.yml and stands a file_sd in
    /// for the kubernetes_sd block; the relabelling, the static job and the rule file are all checked by promtool,
    /// the kubernetes_sd block by the assertions on it below.
    /// </summary>
    [ToolFact("promtool")]
    public void Promtool_accepts_a_prometheus_yml_with_the_scrape_config()
    {
        var scrape = LoadYaml(ScrapeConfigPath);
        var jobs = (YamlSequenceNode)scrape.Children[new YamlScalarNode("scrape_configs")];
        var kubernetesJob = jobs.Children.Cast<YamlMappingNode>().Single(j => Scalar(j, "job_name") == "node-agent");
        var discovery = (YamlMappingNode)((YamlSequenceNode)kubernetesJob.Children[new YamlScalarNode("kubernetes_sd_configs")]).Children.Single();
        Assert.Equal("pod", Scalar(discovery, "role"));
        Assert.Contains(jobs.Children.Cast<YamlMappingNode>(), j => j.Children.ContainsKey(new YamlScalarNode("static_configs")));

        kubernetesJob.Children.Remove(new YamlScalarNode("kubernetes_sd_configs"));
        kubernetesJob.Children.Add("file_sd_configs", new YamlSequenceNode(new YamlMappingNode("files", new YamlSequenceNode(new YamlScalarNode("targets.json")))));
        var prometheus = new YamlMappingNode(
            "global", new YamlMappingNode("scrape_interval", "15s"),
            "rule_files", new YamlSequenceNode(new YamlScalarNode(RulesPath)),
            "scrape_configs", jobs);

        using var dir = new TempDirectory();
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(prometheus)).Save(writer, assignAnchors: false);
        var config = dir.Write("prometheus.yml", writer.ToString());
        var (exitCode, output) = Run("check", "config", config);

        Assert.True(exitCode == 0, $"promtool check config exited {exitCode}:\n{output}");
        Assert.Contains("is valid prometheus config file syntax", output, StringComparison.Ordinal);
    }

    private static IEnumerable<YamlMappingNode> Rules() =>
        ((YamlSequenceNode)LoadYaml(RulesPath).Children[new YamlScalarNode("groups")]).Children.Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g.Children[new YamlScalarNode("rules")]).Children.Cast<YamlMappingNode>());

    private static YamlMappingNode LoadYaml(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    private static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(RequiredTool.Path("promtool"), arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd() + stderr.Result;
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
