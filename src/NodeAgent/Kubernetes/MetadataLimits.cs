namespace NodeAgent.Kubernetes;

/// <summary>
/// How much of a pod's metadata goes into each of its documents (<c>Kubernetes:Annotations</c>,
/// <c>Kubernetes:MaxMetadataBytes</c>). Every document repeats the pod's labels and annotations, and a tenant decides
/// their size: a 250 KB annotation on a pod printing short lines made every document 250 KB, and the agent ran out of
/// memory in a 256 MiB limit. Annotations go in only by key (an allow-list, as Filebeat does), and labels and
/// annotations together are capped; what does not fit is left out, never the line.
/// </summary>
/// <param name="Annotations">Annotation keys copied into documents: exact keys, or a prefix ending in <c>*</c>
/// (<c>*</c> alone: all).</param>
/// <param name="MaxBytes">Most bytes of keys and values of labels and annotations in one document.</param>
internal sealed record MetadataLimits(IReadOnlyList<string> Annotations, int MaxBytes)
{
    public const int DefaultMaxBytes = 16 * 1024;

    public static MetadataLimits Default { get; } = new([], DefaultMaxBytes);

    public bool IncludesAnnotation(string key)
    {
        foreach (var pattern in Annotations)
        {
            if (pattern.EndsWith('*') ? key.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal) : string.Equals(pattern, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Labels, then allowed annotations (both already de-dotted and sorted), kept while they fit in
    /// <see cref="MaxBytes"/>: a pair too large for what is left is skipped and counted, smaller ones after it still go.</summary>
    public (IReadOnlyList<KeyValuePair<string, string>> Labels, IReadOnlyList<KeyValuePair<string, string>> Annotations, int Dropped) Fit(
        IReadOnlyList<KeyValuePair<string, string>> labels, IReadOnlyList<KeyValuePair<string, string>> annotations)
    {
        var left = (long)MaxBytes;
        var dropped = 0;
        List<KeyValuePair<string, string>> Take(IReadOnlyList<KeyValuePair<string, string>> pairs)
        {
            var kept = new List<KeyValuePair<string, string>>(pairs.Count);
            foreach (var pair in pairs)
            {
                // UTF-8 can take three bytes per UTF-16 unit: a bound, not a count, so nothing over the cap gets in.
                var size = 3L * (pair.Key.Length + pair.Value.Length);
                if (size > left)
                {
                    dropped++;
                    continue;
                }

                left -= size;
                kept.Add(pair);
            }

            return kept;
        }

        return (Take(labels), Take(annotations), dropped);
    }
}
