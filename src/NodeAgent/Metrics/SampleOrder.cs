namespace NodeAgent.Metrics;

/// <summary>
/// The order client_golang's registry writes a family's samples in (prometheus/client_golang internal.MetricSorter),
/// which node_exporter's output follows and the golden files pin: fewer labels first, then the label values one by
/// one in label-name order, each compared as Go compares strings. Go compares the UTF-8 bytes, which is code-point
/// order; .NET's ordinal comparison is UTF-16 code-unit order, which differs for characters above U+FFFF against
/// U+E000–U+FFFF, so every collector that sorts its samples sorts through here.
/// </summary>
internal static class SampleOrder
{
    /// <summary>Go's string order, for sorted collections and <c>OrderBy</c>.</summary>
    public static IComparer<string> Values { get; } = Comparer<string>.Create(Compare);

    /// <summary>Two labels' values, for sorted collections keyed by them.</summary>
    public static IComparer<(string, string)> Pairs { get; } = Comparer<(string, string)>.Create(Compare);

    public static int Compare(string? a, string? b)
    {
        var x = a.AsSpan();
        var y = b.AsSpan();
        var common = x.CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        return Rank(x[common]).CompareTo(Rank(y[common]));
    }

    /// <summary>Two labels' values, in label-name order.</summary>
    public static int Compare((string, string) a, (string, string) b) =>
        Compare(a.Item1, b.Item1) is var c and not 0 ? c : Compare(a.Item2, b.Item2);

    /// <summary>Three labels' values, in label-name order.</summary>
    public static int Compare((string, string, string) a, (string, string, string) b) =>
        Compare((a.Item1, a.Item2), (b.Item1, b.Item2)) is var c and not 0 ? c : Compare(a.Item3, b.Item3);

    /// <summary>Four labels' values, in label-name order.</summary>
    public static int Compare((string, string, string, string) a, (string, string, string, string) b) =>
        Compare((a.Item1, a.Item2, a.Item3), (b.Item1, b.Item2, b.Item3)) is var c and not 0 ? c : Compare(a.Item4, b.Item4);

    /// <summary>Two label sets as <see cref="Telemetry.MetricWriter"/> takes them (name, value, name, value… in
    /// label-name order): fewer labels first, then the values.</summary>
    public static int CompareLabels(ReadOnlySpan<string> a, ReadOnlySpan<string> b)
    {
        if (a.Length != b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }

        for (var i = 1; i < a.Length; i += 2)
        {
            if (Compare(a[i], b[i]) is var c and not 0)
            {
                return c;
            }
        }

        return 0;
    }

    // UTF-16 code units in code-point order: surrogates (which stand for U+10000 and above) after U+E000–U+FFFF.
    private static int Rank(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
