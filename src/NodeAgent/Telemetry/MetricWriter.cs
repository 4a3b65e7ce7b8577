using System.Buffers;
using System.Text;

namespace NodeAgent.Telemetry;

internal enum MetricType
{
    Counter,
    Gauge,
    Untyped,
    Histogram,
    Summary,
}

internal enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4, node_exporter's default.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0.0: counters typed without <c>_total</c>, <c>unknown</c> for untyped, ends in <c># EOF</c>.</summary>
    OpenMetrics,
}

/// <summary>
/// The project's own exposition writer (ARCHITECTURE.md: OpenTelemetry's exporter adds scope labels and caps series).
/// Families are written as collected at scrape time, straight into a byte buffer.
/// </summary>
internal sealed class MetricWriter(IBufferWriter<byte> output, ExpositionFormat format)
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private string _sampleName = "";
    private (string Name, MetricType Type, string Help)? _pending;

    public ExpositionFormat Format => format;

    /// <summary>Starts a family. Its HELP and TYPE lines are written with its first sample, so a family without
    /// samples is left out, as the Prometheus client libraries do.</summary>
    public void Family(string name, MetricType type, string help)
    {
        var familyName = name;
        if (format == ExpositionFormat.OpenMetrics && type == MetricType.Counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            familyName = name[..^"_total".Length];
        }

        // OpenMetrics requires counter samples to end in _total; the text format keeps the name as given.
        _sampleName = format == ExpositionFormat.OpenMetrics && type == MetricType.Counter ? familyName + "_total" : name;
        _pending = (familyName, type, help);
    }

    private void WriteHeader()
    {
        var (familyName, type, help) = _pending!.Value;
        _pending = null;
        Write("# HELP ");
        Write(familyName);
        Write(" ");
        WriteEscaped(help, escapeQuotes: format == ExpositionFormat.OpenMetrics);
        Write("\n# TYPE ");
        Write(familyName);
        Write(type switch
        {
            MetricType.Counter => " counter\n",
            MetricType.Gauge => " gauge\n",
            MetricType.Histogram => " histogram\n",
            MetricType.Summary => " summary\n",
            _ => format == ExpositionFormat.OpenMetrics ? " unknown\n" : " untyped\n",
        });
    }

    /// <summary>One sample of the current family; labels alternate name, value.</summary>
    public void Sample(double value, params ReadOnlySpan<string> labels) => Sample("", value, labels);

    /// <summary>One sample whose name is the family's plus <paramref name="suffix"/> (a histogram's <c>_bucket</c>,
    /// a histogram's or summary's <c>_sum</c> and <c>_count</c>).</summary>
    public void Sample(string suffix, double value, params ReadOnlySpan<string> labels)
    {
        if (_pending is not null)
        {
            WriteHeader();
        }

        Write(_sampleName);
        if (suffix.Length > 0)
        {
            Write(suffix);
        }

        if (labels.Length > 0)
        {
            Write("{");
            for (var i = 0; i + 1 < labels.Length; i += 2)
            {
                if (i > 0)
                {
                    Write(",");
                }

                Write(labels[i]);
                Write("=\"");
                WriteEscaped(labels[i + 1], escapeQuotes: true);
                Write("\"");
            }

            Write("}");
        }

        Write(" ");
        var span = output.GetSpan(GoFloat.MaxLength + 1);
        var length = GoFloat.Format(value, span);
        span[length] = (byte)'\n';
        output.Advance(length + 1);
    }

    /// <summary>Copies output another writer of the same format produced (one collector's families).</summary>
    public void Append(ReadOnlySpan<byte> exposition) => output.Write(exposition);

    public void Finish()
    {
        if (format == ExpositionFormat.OpenMetrics)
        {
            Write("# EOF\n");
        }
    }

    private void WriteEscaped(string text, bool escapeQuotes)
    {
        var rest = text.AsSpan();
        while (true)
        {
            var special = escapeQuotes ? rest.IndexOfAny('\\', '\n', '"') : rest.IndexOfAny('\\', '\n');
            if (special < 0)
            {
                Write(rest);
                return;
            }

            Write(rest[..special]);
            Write(rest[special] switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                _ => "\\\"",
            });
            rest = rest[(special + 1)..];
        }
    }

    private void Write(string text) => Write(text.AsSpan());

    private void Write(ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
