namespace NodeAgent.Hosting;

/// <summary>"Did you mean" for configuration typos: the closest candidate by edit distance, if close enough.</summary>
internal static class Suggestions
{
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        // A truncated name ("Http:Listen", "elastic") is a typo too: suggest the one key it starts.
        var extensions = candidates.Where(c => typed.Length >= 3 && c.Length > typed.Length && c.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        if (extensions.Count == 1)
        {
            return extensions[0];
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // A third of the word, at least 2 edits: "Logz"→"Logs", "Inclde"→"Include", but not "Foo"→"Node".
        return best is not null && bestDistance <= Math.Max(2, typed.Length / 3) && bestDistance < typed.Length ? best : null;
    }

    public static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Closest(typed, candidates) is { } s ? $" (did you mean {s}?)" : "";

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
