using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Textfile;

/// <summary>
/// The textfile collector's families merged the way node_exporter's registry gathers them: per name, the first family's
/// type and HELP win and a later family with another type or HELP is dropped; a series whose name and label set were
/// already collected is dropped; families are written sorted by name and series in client_golang's order
/// (<see cref="SampleOrder"/>), all through <see cref="MetricWriter"/>.
/// </summary>
internal sealed class TextfileOutput
{
    private readonly SortedDictionary<string, Family> _families = new(StringComparer.Ordinal);

    /// <summary>Adds one parsed family with its final HELP. Labels missing from some of its series are filled with
    /// "" (node_exporter's convertMetricFamily). Returns why series were dropped, or null.</summary>
    public string? Add(TextFamily parsed, string help)
    {
        var type = parsed.Type ?? TextMetricType.Untyped;
        if (_families.TryGetValue(parsed.Name, out var family))
        {
            if (family.Help != help)
            {
                return $"has help \"{help}\" but should have \"{family.Help}\"";
            }

            if (family.Type != type)
            {
                return $"is a {type} but should be a {family.Type}";
            }
        }
        else
        {
            family = new Family(type, help);
            _families[parsed.Name] = family;
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var metric in parsed.Metrics)
        {
            foreach (var label in metric.Labels)
            {
                names.Add(label.Key);
            }
        }

        string? dropped = null;
        foreach (var metric in parsed.Metrics)
        {
            var labels = new string[2 * names.Count];
            var i = 0;
            foreach (var name in names)
            {
                labels[i++] = name;
                labels[i++] = metric.Labels.Find(l => l.Key == name).Value ?? "";
            }

            var key = string.Join("\xff", labels);
            if (!family.Seen.Add(key))
            {
                dropped = "was collected before with the same name and label values";
                continue;
            }

            family.Series.Add(new Series(labels, metric));
        }

        return dropped;
    }

    /// <param name="labels">Name, value, name, value… in label-name order.</param>
    public void AddGauge(string name, string help, double value, params string[] labels)
    {
        if (!_families.TryGetValue(name, out var family))
        {
            family = new Family(TextMetricType.Gauge, help);
            _families[name] = family;
        }

        family.Series.Add(new Series(labels, new TextMetric([]) { Value = value }));
    }

    public void Write(MetricWriter writer)
    {
        foreach (var (name, family) in _families)
        {
            family.Series.Sort(static (a, b) => SampleOrder.CompareLabels(a.Labels, b.Labels));
            writer.Family(name, family.Type switch
            {
                TextMetricType.Counter => MetricType.Counter,
                TextMetricType.Gauge => MetricType.Gauge,
                TextMetricType.Summary => MetricType.Summary,
                TextMetricType.Histogram => MetricType.Histogram,
                _ => MetricType.Untyped,
            }, family.Help);
            foreach (var series in family.Series)
            {
                if (family.Type is TextMetricType.Summary or TextMetricType.Histogram)
                {
                    WriteDistribution(writer, family.Type == TextMetricType.Summary, series);
                }
                else
                {
                    writer.Sample(series.Metric.Value, series.Labels);
                }
            }
        }
    }

    // Quantiles or buckets (with an implicit +Inf bucket holding the count when the file had none), then _sum and
    // _count, as client_golang writes a const summary or histogram.
    private static void WriteDistribution(MetricWriter writer, bool summary, Series series)
    {
        var metric = series.Metric;
        var labels = new string[series.Labels.Length + 2];
        series.Labels.CopyTo(labels, 0);
        labels[^2] = summary ? "quantile" : "le";
        var sawInf = false;
        foreach (var (bound, value) in metric.Points)
        {
            sawInf |= double.IsPositiveInfinity(bound);
            labels[^1] = GoFloat.Format(bound);
            writer.Sample(summary ? "" : "_bucket", value, labels);
        }

        if (!summary && !sawInf)
        {
            labels[^1] = GoFloat.Format(double.PositiveInfinity);
            writer.Sample("_bucket", metric.Count, labels);
        }

        writer.Sample("_sum", metric.Sum, series.Labels);
        writer.Sample("_count", metric.Count, series.Labels);
    }

    /// <param name="Labels">Name, value, name, value… in label-name order, as <see cref="MetricWriter"/> takes them.</param>
    private sealed record Series(string[] Labels, TextMetric Metric);

    private sealed class Family(TextMetricType type, string help)
    {
        public TextMetricType Type { get; } = type;

        public string Help { get; } = help;

        public List<Series> Series { get; } = [];

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
    }
}
