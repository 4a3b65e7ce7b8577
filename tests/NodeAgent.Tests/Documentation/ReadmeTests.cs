using System.Text.RegularExpressions;
using NodeAgent.Hosting;
using NodeAgent.Metrics;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Documentation;

/// <summary>The README is the newcomer's contract: its two opening commands, and every key with its real default.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Repository.File("README.md"));

    private static List<string> OpeningCommands()
    {
        var firstBlock = CodeBlock().Match(Readme);
        Assert.True(firstBlock.Success, "README.md has no code block");
        Assert.True(Readme[..firstBlock.Index].Trim().Split('\n').All(l => l.StartsWith('#') || l.Length == 0), "the commands must open the README");
        return [.. firstBlock.Groups[1].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    [Fact]
    public void Opens_with_exactly_two_commands_run_then_test()
    {
        var commands = OpeningCommands();
        Assert.Equal(2, commands.Count);
        Assert.Equal("dotnet run --project src/NodeAgent -c Release", commands[0]);
        Assert.Equal("bash tests/run-all.sh", commands[1]);
        Assert.True(File.Exists(Repository.File("tests", "run-all.sh")));
    }

    [Fact]
    public void Ci_runs_the_readme_test_command()
    {
        var ci = File.ReadAllText(Repository.File(".ci", "run"));
        Assert.Contains(OpeningCommands()[1], ci, StringComparison.Ordinal);
        Assert.Contains("set -euo pipefail", ci, StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_command_installs_what_the_tests_need()
    {
        var script = File.ReadAllText(Repository.File("tests", "run-all.sh"));
        Assert.Contains("apt-get install", script, StringComparison.Ordinal);
        foreach (var package in new[] { "prometheus", "prometheus-node-exporter" })
        {
            Assert.Contains($"need+=({package})", script, StringComparison.Ordinal);
        }

        Assert.Contains("dotnet test NodeAgent.sln", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_configuration_key_is_documented_with_its_default()
    {
        foreach (var key in ConfigSchema.Keys)
        {
            var row = Readme.Split('\n').FirstOrDefault(l => l.StartsWith($"| `{key.Path}` |", StringComparison.Ordinal));
            Assert.True(row is not null, $"README.md has no row for {key.Path}");
            var documented = row!.Split('|')[2].Trim();
            var expected = key.DefaultText ?? (key.Default is null ? "unset" : $"`{key.Default}`");
            Assert.Equal(expected, documented);
        }
    }

    [Fact]
    public void No_undocumented_key_is_listed()
    {
        var listed = Regex.Matches(Readme, @"^\| `([A-Za-z]+:[A-Za-z]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        Assert.All(listed, key => Assert.NotNull(ConfigSchema.Find(key)));
    }

    [Fact]
    public void The_metrics_rows_are_the_schema_and_descriptor_rows_in_order()
    {
        // The Metrics:* rows of the configuration table, key, default and meaning, exactly as the schema (and through
        // it each collector's descriptor) makes them: the README cannot drift from what the agent reads.
        var documented = Readme.Split('\n').Where(l => l.StartsWith("| `Metrics:", StringComparison.Ordinal)).TakeWhile(l => l.Split('|').Length == 5).ToList();
        var derived = ConfigSchema.Keys.Where(k => k.Section == "Metrics")
            .Select(k => $"| `{k.Path}` | {(k.DefaultText ?? (k.Default is null ? "unset" : $"`{k.Default}`"))} | {k.Meaning} |").ToList();
        Assert.Equal(derived, documented);
    }

    [Fact]
    public void The_default_filters_table_shows_each_descriptors_default()
    {
        var rows = Readme.Split('\n').SkipWhile(l => !l.StartsWith("Default filters", StringComparison.Ordinal)).Skip(4)
            .TakeWhile(l => l.StartsWith('|')).Select(l => l.Split(" | ", 2)).ToDictionary(
                p => p[0].Trim('|', ' ', '`'), p => p[1].TrimEnd('|', ' ').Trim('`').Replace("\\|", "|", StringComparison.Ordinal), StringComparer.Ordinal);
        var pointed = CollectorCatalog.Options.Where(o => o.DefaultText == CollectorOptions.NodeExporterDefault).ToList();
        Assert.NotEmpty(pointed);
        Assert.Equal(pointed.Select(o => o.Key).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(pointed, o => Assert.Equal(o.DefaultValue!.ToString(), rows[o.Key]));
    }

    [Fact]
    public void The_collector_lists_are_the_catalogs()
    {
        var implemented = Regex.Match(Readme, @"Collectors implemented \([^)]*\): ([^.]*)\.").Groups[1].Value;
        Assert.Equal(
            CollectorCatalog.All.Where(d => d.Create is not null && d.EnabledByDefault).Select(d => d.Name),
            implemented.Split(',').Select(n => n.Trim()));
        var offByDefault = Regex.Match(Readme, @"Off by default, as in node_exporter \([^)]*\): ([^.]*)\.").Groups[1].Value;
        Assert.Equal(
            CollectorCatalog.All.Where(d => d.Create is not null && !d.EnabledByDefault).Select(d => d.Name),
            offByDefault.Split(',').Select(n => n.Trim()));

        // Every collector node_exporter enables by default is implemented.
        Assert.DoesNotContain(CollectorCatalog.All, d => d.Create is null && d.EnabledByDefault);
    }

    [GeneratedRegex(@"```[a-z]*\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
