using System.Collections.Concurrent;

namespace NodeAgent.Telemetry;

/// <summary>
/// A counter with one label (<c>reason</c>, <c>status</c>, <c>resource</c>…): bumped from any thread, written at scrape
/// time in label order, one sample per label value seen so far.
/// </summary>
internal sealed class LabeledCounter
{
    private readonly ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);

    public long this[string label] => _values.GetValueOrDefault(label);

    // Static lambdas with the count passed as an argument: a capturing lambda was two allocations per call, and the
    // Elasticsearch output counts every document.
    public void Add(string label, long count = 1) =>
        _values.AddOrUpdate(label, static (_, added) => added, static (_, n, added) => n + added, count);

    /// <summary>One sample per label value, as <c>{labelName="value"}</c>, under the family just begun.</summary>
    public void WriteSamples(MetricWriter writer, string labelName)
    {
        foreach (var (label, count) in _values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Sample(count, labelName, label);
        }
    }
}
