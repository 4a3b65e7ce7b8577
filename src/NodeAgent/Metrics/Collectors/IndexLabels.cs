using System.Collections.Concurrent;
using System.Globalization;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// Positions written as label values (the <c>cpu</c> column of /proc/interrupts, /proc/softirqs and /proc/net/stat,
/// buddyinfo's <c>size</c>), and the order client_golang sorts them in: as strings, so "10" comes before "2". Built
/// once per count and kept (a machine has a few such counts: its CPUs, its page orders), so that a scrape formats and
/// sorts no numbers.
/// </summary>
internal static class IndexLabels
{
    private static readonly ConcurrentDictionary<int, Snapshot> Cache = new();

    /// <summary>The label of each position 0..count-1.</summary>
    public static string[] Texts(int count) => For(count).Texts;

    /// <summary>Positions 0..count-1 in the order of their labels (Go string order).</summary>
    public static int[] InLabelOrder(int count) => For(count).Order;

    private static Snapshot For(int count) => Cache.GetOrAdd(count, static count =>
    {
        var texts = new string[count];
        for (var i = 0; i < count; i++)
        {
            texts[i] = i.ToString(CultureInfo.InvariantCulture);
        }

        var order = Enumerable.Range(0, count).ToArray();
        Array.Sort(order, (a, b) => SampleOrder.Compare(texts[a], texts[b]));
        return new Snapshot(texts, order);
    });

    private sealed record Snapshot(string[] Texts, int[] Order);
}
