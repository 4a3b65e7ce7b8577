using System.Globalization;

namespace NodeAgent.TestSupport;

/// <summary>Reads samples out of a Prometheus text exposition (compiled into each test project), for assertions on a
/// value that is known only within bounds (a timestamp, a duration); an exact value is best asserted as the whole line.</summary>
internal static class MetricText
{
    /// <summary>The value of the sample written exactly as <paramref name="series"/> (name and labels as exposed, e.g.
    /// <c>nodeagent_kubernetes_pods</c> or <c>nodeagent_kubernetes_errors_total{resource="pods"}</c>); null when absent.</summary>
    public static double? Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > series.Length && line[series.Length] == ' ' && line.StartsWith(series, StringComparison.Ordinal))
            {
                return double.Parse(line.AsSpan(series.Length + 1), NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>The series of a family (its sample lines' name and labels, without values), in the order exposed.</summary>
    public static IReadOnlyList<string> Series(string text, string family) =>
        [.. text.Split('\n')
            .Where(l => l.StartsWith(family, StringComparison.Ordinal) && l.Length > family.Length && l[family.Length] is ' ' or '{' or '_')
            .Select(l => l[..l.LastIndexOf(' ')])];
}
