namespace NodeAgent.Metrics.Textfile;

internal enum TextMetricType
{
    Counter,
    Gauge,
    Untyped,
    Summary,
    Histogram,

    /// <summary>Accepted in a TYPE line (it is a client_model type) but any sample of it is an error, as in expfmt.</summary>
    GaugeHistogram,
}

/// <summary>One sample (or, for summaries and histograms, one labelled series with its quantiles or buckets) from a
/// text-format file, labels in file order.</summary>
internal sealed class TextMetric(List<KeyValuePair<string, string>> labels)
{
    public List<KeyValuePair<string, string>> Labels { get; } = labels;

    public double Value { get; set; }

    public bool HasTimestamp { get; set; }

    public double Sum { get; set; }

    public ulong Count { get; set; }

    /// <summary>Quantile → value (summary) or upper bound → cumulative count (histogram); a repeated key overwrites,
    /// as client_golang's const summary/histogram maps do.</summary>
    public SortedDictionary<double, double> Points { get; } = [];
}

/// <summary>A metric family as expfmt's TextParser builds it: name, optional HELP, type (untyped unless a TYPE line
/// came first) and its metrics.</summary>
internal sealed class TextFamily(string name)
{
    public string Name { get; } = name;

    public string? Help { get; set; }

    public TextMetricType? Type { get; set; }

    public List<TextMetric> Metrics { get; } = [];

    /// <summary>Summaries and histograms: the series a <c>_sum</c>/<c>_count</c>/<c>_bucket</c>/quantile line belongs
    /// to, keyed by its labels without <c>quantile</c>/<c>le</c>.</summary>
    internal Dictionary<string, TextMetric> SeriesBySignature { get; } = new(StringComparer.Ordinal);
}
