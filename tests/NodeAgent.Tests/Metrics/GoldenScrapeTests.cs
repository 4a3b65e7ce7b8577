using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics;

/// <summary>
/// One full scrape of the fixture node with every collector node_exporter enables by default, compared byte for byte
/// with tests/fixtures/golden/node-scrape.prom (as node_exporter's e2e-output.txt), and linted with promtool.
/// Regenerate on purpose only: NODEAGENT_UPDATE_GOLDEN=1 dotnet test --filter GoldenScrape, then review the diff.
/// </summary>
public sealed class GoldenScrapeTests
{
    private static readonly string GoldenPath = Repository.Fixture("golden", "node-scrape.prom");

    /// <summary>The few values that come from system calls rather than files, fixed for the fixture node.</summary>
    private static Dictionary<string, INodeCollector> SystemCallSubstitutes(CollectorContext context)
    {
        var root = context.Paths.Root.TrimEnd('/');
        return new Dictionary<string, INodeCollector>(StringComparer.Ordinal)
        {
            ["filesystem"] = new FilesystemCollector(context, FilesystemOptions.Default, path => path[root.Length..] switch
            {
                "/" => new StatfsResult(0, 66053020, 4096, 62439041, 59063620, 16777216, 16353657),
                "/run/user/1000/doc" => StatfsResult.Failed(13),
                _ => new StatfsResult(0, 1000, 4096, 500, 400, 100, 50),
            }),
            ["timex"] = new TimexCollector(context, (out TimexReading reading) =>
            {
                reading = new TimexReading(Offset: 25000, Frequency: 1_310_720, MaxError: 16000, EstError: 500, Status: 0x2001, Constant: 7,
                    Tick: 10000, PpsFrequency: 0, Jitter: 0, Shift: 0, Stability: 0, JitterCount: 0, CalibrationCount: 0, ErrorCount: 0,
                    StabilityCount: 0, Tai: 37);
                return 0;
            }),
            // The fixture node's /proc/net/dev, not this machine's interfaces over netlink.
            ["netdev"] = new NetDevCollector(context, NetDevOptions.Default with { Netlink = false }),
            ["uname"] = new UnameCollector(context, () => new UnameReading("Linux", "fixture-node", "6.1.0-fixture", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0", "x86_64", "(none)")),
        };
    }

    internal static string ScrapeFixtureNode()
    {
        var context = new CollectorContext(CollectorHarness.FixtureNode, new ManualTime(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero)), NullLoggerFactory.Instance);
        var defaults = CollectorCatalog.DefaultStates();
        var registry = CollectorRegistry.Create(context, new MetricsOptions(true, defaults, TimeSpan.FromSeconds(5)), SystemCallSubstitutes(context));

        var text = new StringBuilder();
        var success = new List<(string Name, bool Ok)>();
        foreach (var collector in registry.Enabled)
        {
            var (result, output) = CollectorHarness.Collect(collector);
            text.Append(output);
            success.Add((collector.Name, result == CollectResult.Success));
        }

        // Durations are the one thing a rerun changes: the golden file keeps the families' shape, not the timing.
        text.Append("# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded.\n# TYPE node_scrape_collector_success gauge\n");
        foreach (var (name, ok) in success)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"node_scrape_collector_success{{collector=\"{name}\"}} {(ok ? 1 : 0)}\n");
        }

        // A label may carry a path under the sysfs root as node_exporter's does (rapl's "path"): shown as the host's
        // /sys so the golden file does not depend on where the repository is checked out.
        return text.ToString().Replace(CollectorHarness.FixtureNode.Sys, "/sys", StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixture_node_scrapes_exactly_as_the_golden_file()
    {
        var actual = ScrapeFixtureNode();
        if (GoldenFiles.UpdateRequested())
        {
            File.WriteAllText(GoldenPath, actual);
        }

        Assert.True(File.Exists(GoldenPath), $"{GoldenPath} missing: run NODEAGENT_UPDATE_GOLDEN=1 dotnet test --filter GoldenScrape");
        var expected = File.ReadAllText(GoldenPath);
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var first = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
            Assert.Fail($"scrape differs from {GoldenPath} at line {first + 1}:\n  golden: {expectedLines.ElementAtOrDefault(first)}\n  actual: {actualLines.ElementAtOrDefault(first)}\n(regenerate on purpose with NODEAGENT_UPDATE_GOLDEN=1 and review the diff)");
        }
    }

    [Fact]
    public void Every_default_collector_finds_data_in_the_fixture_node()
    {
        var text = ScrapeFixtureNode();
        var failed = text.Split('\n')
            .Where(l => l.StartsWith("node_scrape_collector_success", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal))
            .ToList();
        Assert.True(failed.Count == 0, "collectors without data in the fixture node:\n" + string.Join("\n", failed));
    }

    /// <summary>promtool (Debian package prometheus) lints the exposition; node_exporter's own output has exactly two
    /// kinds of finding, both from names it chose (camelCase /proc field names, entropy in bits), and ours may have those
    /// and nothing else.</summary>
    [ToolFact("promtool")]
    public void Promtool_finds_nothing_node_exporter_does_not_also_have()
    {
        var promtool = RequiredTool.Path("promtool");
        var info = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        process.StandardInput.Write(ScrapeFixtureNode());
        process.StandardInput.Close();
        var findings = (process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();

        string[] sharedWithNodeExporter = ["metric names should be written in 'snake_case' not 'camelCase'", "use base unit \"bytes\" instead of \"bits\""];
        var unexpected = findings.Where(f => !sharedWithNodeExporter.Any(s => f.EndsWith(s, StringComparison.Ordinal)) || !f.StartsWith("node_", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, "promtool findings node_exporter does not have:\n" + string.Join("\n", unexpected));
        Assert.NotEmpty(findings);
    }
}
