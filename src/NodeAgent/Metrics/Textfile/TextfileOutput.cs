using System.Text;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Textfile;

/// <summary>
/// The textfile collector's families merged the way node_exporter's registry gathers them: per name, the first family's
/// type and HELP win and a later family with another type or HELP is dropped; a series whose name and label set were
/// already collected is dropped; families are written sorted by name and series sorted as client_golang sorts them
/// (by label count, then label values in label-name order).
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
            var labels = new KeyValuePair<string, string>[names.Count];
            var i = 0;
            foreach (var name in names)
            {
                var value = metric.Labels.Find(l => l.Key == name).Value ?? "";
                labels[i++] = new(name, value);
            }

            var key = string.Join("\xff", labels.Select(l => l.Key + "\xff" + l.Value));
            if (!family.Seen.Add(key))
            {
                dropped = "was collected before with the same name and label values";
                continue;
            }

            family.Series.Add(new Series(labels, metric));
        }

        return dropped;
    }

    public void AddGauge(string name, string help, double value, params KeyValuePair<string, string>[] labels)
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
            family.Series.Sort(CompareSeries);
            if (family.Type is TextMetricType.Summary or TextMetricType.Histogram)
            {
                WriteDistribution(writer, name, family);
                continue;
            }

            writer.Family(name, family.Type switch
            {
                TextMetricType.Counter => MetricType.Counter,
                TextMetricType.Gauge => MetricType.Gauge,
                _ => MetricType.Untyped,
            }, family.Help);
            foreach (var series in family.Series)
            {
                writer.Sample(series.Metric.Value, Flatten(series.Labels));
            }
        }
    }

    // MetricWriter has no summary/histogram families; they are written here in the same format: quantiles or buckets
    // (with an implicit +Inf bucket holding the count when the file had none), then _sum and _count.
    private static void WriteDistribution(MetricWriter writer, string name, Family family)
    {
        var open = writer.Format == ExpositionFormat.OpenMetrics;
        var text = new StringBuilder();
        text.Append("# HELP ").Append(name).Append(' ').Append(Escape(family.Help, quotes: open)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(family.Type == TextMetricType.Summary ? " summary\n" : " histogram\n");
        foreach (var series in family.Series)
        {
            var metric = series.Metric;
            var special = family.Type == TextMetricType.Summary ? "quantile" : "le";
            var sawInf = false;
            foreach (var (bound, value) in metric.Points)
            {
                sawInf |= double.IsPositiveInfinity(bound);
                Line(text, family.Type == TextMetricType.Summary ? name : name + "_bucket", series.Labels, special, bound, value);
            }

            if (family.Type == TextMetricType.Histogram && !sawInf)
            {
                Line(text, name + "_bucket", series.Labels, special, double.PositiveInfinity, metric.Count);
            }

            Line(text, name + "_sum", series.Labels, null, 0, metric.Sum);
            Line(text, name + "_count", series.Labels, null, 0, metric.Count);
        }

        writer.Append(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void Line(StringBuilder text, string name, KeyValuePair<string, string>[] labels, string? special, double bound, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || special is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var label in labels)
            {
                text.Append(first ? "" : ",").Append(label.Key).Append("=\"").Append(Escape(label.Value, quotes: true)).Append('"');
                first = false;
            }

            if (special is not null)
            {
                text.Append(first ? "" : ",").Append(special).Append("=\"").Append(GoFloat.Format(bound)).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(GoFloat.Format(value)).Append('\n');
    }

    private static string Escape(string value, bool quotes)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '"' when quotes => "\\\"",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static string[] Flatten(KeyValuePair<string, string>[] labels)
    {
        var flat = new string[labels.Length * 2];
        for (var i = 0; i < labels.Length; i++)
        {
            flat[2 * i] = labels[i].Key;
            flat[(2 * i) + 1] = labels[i].Value;
        }

        return flat;
    }

    // client_golang's MetricSorter: fewer labels first, then the label values in label-name order.
    private static int CompareSeries(Series a, Series b)
    {
        if (a.Labels.Length != b.Labels.Length)
        {
            return a.Labels.Length.CompareTo(b.Labels.Length);
        }

        for (var i = 0; i < a.Labels.Length; i++)
        {
            var order = string.CompareOrdinal(a.Labels[i].Value, b.Labels[i].Value);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    private sealed record Series(KeyValuePair<string, string>[] Labels, TextMetric Metric);

    private sealed class Family(TextMetricType type, string help)
    {
        public TextMetricType Type { get; } = type;

        public string Help { get; } = help;

        public List<Series> Series { get; } = [];

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
    }
}
