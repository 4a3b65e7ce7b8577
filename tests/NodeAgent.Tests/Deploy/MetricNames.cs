using System.Text.RegularExpressions;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Deploy;

/// <summary>
/// Metric names in deployment files (rules, dashboards) and whether the agent emits them: a renamed family must
/// break these tests, not silently empty a panel or mute an alert.
/// </summary>
internal static partial class MetricNames
{
    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private static readonly Lazy<string> Sources = new(() => string.Join('\n',
        Directory.EnumerateFiles(Repository.File("src", "NodeAgent"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText)));

    /// <summary>Every nodeagent_* and node_* name in a PromQL expression.</summary>
    public static IEnumerable<string> In(string promql) => NamePattern().Matches(promql).Select(m => m.Value);

    /// <summary>The family name src/NodeAgent writes (a histogram's _bucket/_sum/_count series map to its family),
    /// or null when the source has no such quoted name.</summary>
    public static string? FamilyInSource(string name)
    {
        if (Defined(name))
        {
            return name;
        }

        var suffix = HistogramSuffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal));
        return suffix is not null && Defined(name[..^suffix.Length]) ? name[..^suffix.Length] : null;
    }

    private static bool Defined(string family) => Sources.Value.Contains('"' + family + '"', StringComparison.Ordinal);

    [GeneratedRegex(@"\bnode(agent)?_[a-z0-9_]+\b")]
    private static partial Regex NamePattern();
}
