using System.Text.RegularExpressions;
using NodeAgent.Hosting;
using NodeAgent.Metrics;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>
/// The mapping from node_exporter's flags to NodeAgent's keys, as a table: derived from the collectors' declared
/// options, so a collector option without a flag, a flag without a key of the schema, or a README that says otherwise
/// fails here.
/// </summary>
public sealed partial class NodeExporterFlagsTests
{
    private static readonly string Readme = File.ReadAllText(Repository.File("README.md"));

    private static bool IsCollectorSwitch(NodeExporterFlag flag) =>
        flag.Name.StartsWith("collector.", StringComparison.Ordinal) && CollectorCatalog.IsKnown(flag.Name["collector.".Length..]);

    [Fact]
    public void Every_collector_option_has_a_node_exporter_flag()
    {
        var mapped = NodeExporterFlags.All.Where(f => f.IsImplemented).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        Assert.All(CollectorCatalog.Options, option => Assert.True(mapped.Contains(option.Key),
            $"{option.Key}: no node_exporter flag sets it; name the option after node_exporter's flag "
            + "(collector.<collector>.<option> is Metrics:<Collector><Option>) or map it in NodeExporterFlags"));
    }

    [Fact]
    public void Every_flag_maps_to_a_key_of_the_schema()
    {
        Assert.All(NodeExporterFlags.All.Where(f => f.IsImplemented), flag =>
        {
            Assert.Null(UnknownKeys.Problem(flag.Key!, null));
            Assert.NotNull(ConfigSchema.Find(string.Join(':', flag.Key!.Split(':').Take(2))));
        });
    }

    [Fact]
    public void Every_collector_has_its_switch()
    {
        Assert.All(CollectorCatalog.Names, name =>
            Assert.Equal($"Metrics:Collectors:{name}", NodeExporterFlags.ByName[$"collector.{name}"].Key));
    }

    [Fact]
    public void A_flag_takes_what_its_key_takes()
    {
        Assert.All(NodeExporterFlags.All.Where(f => f.IsImplemented && f.Name != NodeExporterFlags.DisableDefaults && !IsCollectorSwitch(f)), flag =>
        {
            var kind = ConfigSchema.Find(flag.Key!)!.Kind;
            Assert.True(flag.Form == FlagForm.Switch ? kind == ConfigKind.Bool : kind != ConfigKind.Bool, $"--{flag.Name} is a {flag.Form}, {flag.Key} a {kind}");
            if (kind == ConfigKind.List)
            {
                Assert.Equal(FlagForm.Repeatable, flag.Form);
            }
        });
    }

    [Fact]
    public void A_deprecated_spelling_means_the_current_flag()
    {
        Assert.Equal(NodeExporterFlags.ByName["collector.filesystem.mount-points-exclude"].Key, NodeExporterFlags.ByName["collector.filesystem.ignored-mount-points"].Key);
        Assert.Equal(NodeExporterFlags.ByName["collector.diskstats.device-exclude"].Key, NodeExporterFlags.ByName["collector.diskstats.ignored-devices"].Key);
        Assert.Equal("Metrics:NetdevDeviceExclude", NodeExporterFlags.ByName["collector.netdev.device-blacklist"].Key);
    }

    [Fact]
    public void The_options_of_a_collector_not_implemented_say_so()
    {
        var ntp = NodeExporterFlags.ByName["collector.ntp.server"];
        Assert.False(ntp.IsImplemented);
        Assert.Equal("the ntp collector is not implemented", ntp.Why);
    }

    [Fact]
    public void The_readme_maps_every_implemented_flag_to_its_key()
    {
        var expected = NodeExporterFlags.All.Where(f => f.IsImplemented && !IsCollectorSwitch(f))
            .ToDictionary(f => f.Name, f => f.Key!, StringComparer.Ordinal);
        var documented = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in Section("### node_exporter's flags and NodeAgent's keys").Split('\n').Where(l => l.StartsWith("| `--", StringComparison.Ordinal)))
        {
            var cells = row.Split(" | ");
            var key = KeyName().Match(cells[1]).Groups[1].Value;
            foreach (Match flag in FlagName().Matches(cells[0]))
            {
                documented[flag.Groups[1].Value] = key;
            }
        }

        Assert.True(expected.Count == documented.Count && expected.All(p => documented.GetValueOrDefault(p.Key) == p.Value),
            "README's table should have these rows:\n" + string.Join('\n', expected.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"| `--{p.Key}` | `{p.Value}` |")));
    }

    [Fact]
    public void The_readme_names_every_flag_not_implemented_and_those_accepted_without_effect()
    {
        var refused = Section("### node_exporter's flags and NodeAgent's keys").Split("\n\n").Single(p => p.StartsWith("Not implemented", StringComparison.Ordinal));
        var expected = NodeExporterFlags.All.Where(f => !f.IsImplemented).Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(FlagName().Matches(refused).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)),
            "README's \"Not implemented\" paragraph should name: " + string.Join(", ", expected.Select(n => $"`--{n}`")));
    }

    private static string Section(string heading)
    {
        var start = Readme.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section {heading}");
        var end = Readme.IndexOf("\n#", start + heading.Length + 2, StringComparison.Ordinal);
        return Readme[start..(end < 0 ? Readme.Length : end)];
    }

    [GeneratedRegex(@"`--(?:\[no-\]|no-)?([A-Za-z0-9._-]+)`")]
    private static partial Regex FlagName();

    [GeneratedRegex(@"`([A-Z][A-Za-z]+:[A-Za-z:]+)`")]
    private static partial Regex KeyName();
}
