namespace NodeAgent.Metrics;

/// <summary>
/// node_exporter's <c>collect[]</c> and <c>exclude[]</c> query parameters: scrape only the named collectors, or all
/// enabled ones but the named. As in node_exporter, <c>collect[]</c> can only narrow the enabled set (an unknown or a
/// disabled name is a 400), names in <c>exclude[]</c> that match nothing are ignored, and both at once is a 400.
/// </summary>
internal readonly record struct CollectorSelection(IReadOnlyList<INodeCollector> Collectors, string? Error)
{
    public static CollectorSelection Select(IReadOnlyList<INodeCollector> enabled, IReadOnlyList<string?> collect, IReadOnlyList<string?> exclude)
    {
        var include = Names(collect);
        var skip = Names(exclude);
        if (include.Count > 0 && skip.Count > 0)
        {
            return new([], "Combined collect and exclude queries are not allowed.");
        }

        foreach (var name in include.Where(n => !enabled.Any(c => c.Name == n)))
        {
            var problem = CollectorCatalog.IsKnown(name) ? "disabled collector" : "missing collector";
            return new([], $"Couldn't create filtered metrics handler: couldn't create collector: {problem}: {name}");
        }

        if (include.Count > 0)
        {
            return new([.. enabled.Where(c => include.Contains(c.Name))], null);
        }

        return skip.Count > 0 ? new([.. enabled.Where(c => !skip.Contains(c.Name))], null) : new(enabled, null);
    }

    private static HashSet<string> Names(IReadOnlyList<string?> values) =>
        [.. values.OfType<string>().Where(v => v.Length > 0)];
}
