namespace NodeAgent.Metrics;

/// <summary>
/// node_exporter's <c>collect[]</c> and <c>exclude[]</c> query parameters: scrape only the named collectors, or all
/// enabled ones but the named. Names must be enabled collectors; both parameters at once is an error.
/// </summary>
internal readonly record struct CollectorSelection(IReadOnlyList<INodeCollector> Collectors, string? Error)
{
    public static CollectorSelection Select(IReadOnlyList<INodeCollector> enabled, IReadOnlyList<string?> collect, IReadOnlyList<string?> exclude)
    {
        var include = Names(collect);
        var skip = Names(exclude);
        if (include.Count > 0 && skip.Count > 0)
        {
            return new([], "collect[] and exclude[] cannot be used together");
        }

        var named = include.Count > 0 ? include : skip;
        foreach (var name in named)
        {
            if (!enabled.Any(c => c.Name == name))
            {
                return new([], $"couldn't create filtered metrics handler: missing collector: {name}");
            }
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
