using System.Text;
using System.Text.Unicode;
using NodeAgent.Procfs;

namespace NodeAgent.Metrics.Textfile;

/// <summary>
/// The Prometheus text exposition format 0.0.4 as prometheus/common's <c>expfmt.TextParser</c> reads it with legacy
/// name validation (what node_exporter's textfile collector uses): <c># HELP</c>/<c># TYPE</c> before a family's
/// samples, at most one of each, other comments ignored; legacy metric and label names (no quoted UTF-8 names);
/// label values with the <c>\\</c>, <c>\"</c> and <c>\n</c> escapes only; Go float values; an optional integer
/// timestamp and nothing after it; every line, the last included, ended by a newline. Summaries and histograms are
/// assembled from their <c>quantile</c>/<c>le</c>, <c>_sum</c> and <c>_count</c> lines. Duplicate samples are kept
/// (the caller deduplicates, as the Prometheus registry does). Any violation fails the whole input.
/// </summary>
internal static class TextFormat
{
    private const string Separator = "\xff";

    public static bool TryParse(ReadOnlySpan<byte> content, out IReadOnlyList<TextFamily> families, out string error)
    {
        var byName = new Dictionary<string, TextFamily>(StringComparer.Ordinal);
        var order = new List<TextFamily>();
        families = order;
        error = "";
        var number = 0;
        var rest = content;
        while (!rest.IsEmpty)
        {
            number++;
            var newline = rest.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? default : rest[(newline + 1)..];
            var start = SkipBlanks(line, 0);
            if (start == line.Length)
            {
                continue;
            }

            var problem = newline < 0
                ? "unexpected end of input stream"
                : line[start] == '#' ? Comment(line, start + 1, byName, order) : Sample(line, start, byName, order);
            if (problem is not null)
            {
                error = $"text format parsing error in line {number}: {problem}";
                return false;
            }
        }

        order.RemoveAll(f => f.Metrics.Count == 0);
        return true;
    }

    private static string? Comment(ReadOnlySpan<byte> line, int pos, Dictionary<string, TextFamily> byName, List<TextFamily> order)
    {
        pos = SkipBlanks(line, pos);
        var keywordStart = pos;
        while (pos < line.Length && !IsBlank(line[pos]))
        {
            pos++;
        }

        var keyword = line[keywordStart..pos];
        var isHelp = keyword.SequenceEqual("HELP"u8);
        if (pos == line.Length || (!isHelp && !keyword.SequenceEqual("TYPE"u8)))
        {
            return null; // a plain comment, or a keyword with nothing after it
        }

        pos = SkipBlanks(line, pos);
        var name = ReadName(line, ref pos, metric: true);
        if (pos == line.Length)
        {
            return null;
        }

        if (!IsBlank(line[pos]))
        {
            return "invalid metric name in comment";
        }

        var (family, _, _) = FamilyFor(name, byName, order);
        pos = SkipBlanks(line, pos);
        if (pos == line.Length)
        {
            return null;
        }

        var text = line[pos..];
        if (isHelp)
        {
            if (family.Help is not null)
            {
                return $"second HELP line for metric name \"{family.Name}\"";
            }

            var help = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] != '\\')
                {
                    continue;
                }

                if (i + 1 == text.Length || text[i + 1] is not ((byte)'\\' or (byte)'n' or (byte)'"'))
                {
                    return i + 1 == text.Length ? "unexpected end of input stream" : $"invalid escape sequence '\\{(char)text[i + 1]}'";
                }

                i++;
            }

            family.Help = Unescape(text);
            return null;
        }

        if (family.Type is not null)
        {
            return $"second TYPE line for metric name \"{family.Name}\", or TYPE reported after samples";
        }

        var type = Encoding.UTF8.GetString(text);
        family.Type = type.ToUpperInvariant() switch
        {
            "COUNTER" => TextMetricType.Counter,
            "GAUGE" => TextMetricType.Gauge,
            "UNTYPED" => TextMetricType.Untyped,
            "SUMMARY" => TextMetricType.Summary,
            "HISTOGRAM" => TextMetricType.Histogram,
            "GAUGE_HISTOGRAM" => TextMetricType.GaugeHistogram,
            _ => null,
        };
        return family.Type is null ? $"unknown metric type \"{type}\"" : null;
    }

    private static string? Sample(ReadOnlySpan<byte> line, int pos, Dictionary<string, TextFamily> byName, List<TextFamily> order)
    {
        var name = ReadName(line, ref pos, metric: true);
        if (name.Length == 0)
        {
            return "invalid metric name";
        }

        var (family, isCount, isSum) = FamilyFor(name, byName, order);
        family.Type ??= TextMetricType.Untyped;
        var isSummary = family.Type == TextMetricType.Summary;
        var isHistogram = family.Type == TextMetricType.Histogram;
        var labels = new List<KeyValuePair<string, string>>();
        double special = double.NaN;
        pos = SkipBlanks(line, pos);
        if (pos < line.Length && line[pos] == '{')
        {
            var problem = Labels(line, ref pos, family, labels, ref special);
            if (problem is not null)
            {
                return problem;
            }
        }

        var metric = new TextMetric(labels);
        if (isSummary || isHistogram)
        {
            var signature = Signature(family.Name, labels);
            if (!family.SeriesBySignature.TryGetValue(signature, out var existing))
            {
                family.SeriesBySignature[signature] = metric;
                family.Metrics.Add(metric);
            }
            else
            {
                metric = existing;
            }
        }
        else
        {
            family.Metrics.Add(metric);
        }

        var valueStart = pos;
        while (pos < line.Length && !IsBlank(line[pos]))
        {
            pos++;
        }

        var valueText = line[valueStart..pos];
        if (valueText.IndexOfAny("pP_"u8) >= 0 || !AsciiFields.TryParseFloat(valueText, out var value))
        {
            return $"expected float as value, got \"{Encoding.UTF8.GetString(valueText)}\"";
        }

        switch (family.Type)
        {
            case TextMetricType.Summary or TextMetricType.Histogram when isCount:
                metric.Count = ToCount(value);
                break;
            case TextMetricType.Summary or TextMetricType.Histogram when isSum:
                metric.Sum = value;
                break;
            case TextMetricType.Summary or TextMetricType.Histogram:
                if (!double.IsNaN(special))
                {
                    metric.Points[special] = isHistogram ? ToCount(value) : value;
                }

                break;
            case TextMetricType.GaugeHistogram:
                return $"unexpected type for metric name \"{family.Name}\"";
            default:
                metric.Value = value;
                break;
        }

        return pos == line.Length ? null : Timestamp(line, pos, metric);
    }

    private static string? Labels(ReadOnlySpan<byte> line, ref int pos, TextFamily family, List<KeyValuePair<string, string>> labels, ref double special)
    {
        pos++; // '{'
        while (true)
        {
            pos = SkipBlanks(line, pos);
            if (pos < line.Length && line[pos] == '}')
            {
                pos = SkipBlanks(line, pos + 1);
                return null;
            }

            var name = ReadName(line, ref pos, metric: false);
            if (name.Length == 0)
            {
                return $"invalid label name for metric \"{family.Name}\"";
            }

            pos = SkipBlanks(line, pos);
            if (pos == line.Length || line[pos] != '=')
            {
                return pos == line.Length ? "unexpected end of input stream" : $"expected '=' after label name, found '{(char)line[pos]}'";
            }

            if (name == "__name__")
            {
                return "label name \"__name__\" is reserved";
            }

            var isSpecial = (family.Type == TextMetricType.Summary && name == "quantile") || (family.Type == TextMetricType.Histogram && name == "le");
            if (!isSpecial && labels.Exists(l => l.Key == name))
            {
                return $"duplicate label names for metric \"{family.Name}\"";
            }

            pos = SkipBlanks(line, pos + 1);
            if (pos == line.Length || line[pos] != '"')
            {
                return pos == line.Length ? "unexpected end of input stream" : $"expected '\"' at start of label value, found '{(char)line[pos]}'";
            }

            var valueStart = ++pos;
            while (pos < line.Length && line[pos] != '"')
            {
                if (line[pos] == '\\')
                {
                    if (pos + 1 == line.Length || line[pos + 1] is not ((byte)'\\' or (byte)'n' or (byte)'"'))
                    {
                        return pos + 1 == line.Length ? "label value contains unescaped new-line" : $"invalid escape sequence '\\{(char)line[pos + 1]}'";
                    }

                    pos++;
                }

                pos++;
            }

            if (pos == line.Length)
            {
                return $"label value \"{Encoding.UTF8.GetString(line[valueStart..])}\" contains unescaped new-line";
            }

            var raw = line[valueStart..pos];
            if (!Utf8.IsValid(raw))
            {
                return "invalid label value (not UTF-8)";
            }

            var value = Unescape(raw);
            pos++; // closing quote
            if (isSpecial)
            {
                if (!AsciiFields.TryParseFloat(raw, out special) || raw.IndexOfAny("pP_"u8) >= 0)
                {
                    return $"expected float as value for '{name}' label, got \"{value}\"";
                }
            }
            else
            {
                labels.Add(new(name, value));
            }

            pos = SkipBlanks(line, pos);
            if (pos < line.Length && line[pos] == ',')
            {
                pos++;
                continue;
            }

            if (pos < line.Length && line[pos] == '}')
            {
                pos = SkipBlanks(line, pos + 1);
                return null;
            }

            return $"unexpected end of label value \"{value}\"";
        }
    }

    private static string? Timestamp(ReadOnlySpan<byte> line, int pos, TextMetric metric)
    {
        pos = SkipBlanks(line, pos);
        var start = pos;
        while (pos < line.Length && !IsBlank(line[pos]))
        {
            pos++;
        }

        var text = line[start..pos];
        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return $"expected integer as timestamp, got \"{Encoding.UTF8.GetString(text)}\"";
        }

        metric.HasTimestamp = true;
        return pos == line.Length ? null : $"spurious string after timestamp: \"{Encoding.UTF8.GetString(line[pos..])}\"";
    }

    private static (TextFamily Family, bool IsCount, bool IsSum) FamilyFor(string name, Dictionary<string, TextFamily> byName, List<TextFamily> order)
    {
        if (byName.TryGetValue(name, out var family))
        {
            return (family, false, false);
        }

        var isCount = name.Length > 6 && name.EndsWith("_count", StringComparison.Ordinal);
        var isSum = name.Length > 4 && name.EndsWith("_sum", StringComparison.Ordinal);
        var isBucket = name.Length > 7 && name.EndsWith("_bucket", StringComparison.Ordinal);
        var summaryName = isCount ? name[..^6] : isSum ? name[..^4] : name;
        if (byName.TryGetValue(summaryName, out family) && family.Type == TextMetricType.Summary)
        {
            return (family, isCount, isSum);
        }

        var histogramName = isBucket ? name[..^7] : summaryName;
        if (byName.TryGetValue(histogramName, out family) && family.Type == TextMetricType.Histogram)
        {
            return (family, isCount, isSum);
        }

        family = new TextFamily(name);
        byName[name] = family;
        order.Add(family);
        return (family, false, false);
    }

    // Legacy names: [a-zA-Z_:][a-zA-Z0-9_:]* for metrics, [a-zA-Z_][a-zA-Z0-9_]* for labels. A quoted (UTF-8) name
    // reads as empty here, which the callers report as invalid, as legacy validation does.
    private static string ReadName(ReadOnlySpan<byte> line, ref int pos, bool metric)
    {
        var start = pos;
        while (pos < line.Length)
        {
            var c = line[pos];
            var ok = char.IsAsciiLetter((char)c) || c == '_' || (metric && c == ':') || (pos > start && char.IsAsciiDigit((char)c));
            if (!ok)
            {
                break;
            }

            pos++;
        }

        return Encoding.ASCII.GetString(line[start..pos]);
    }

    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var bytes = new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length)
            {
                i++;
                c = raw[i] == 'n' ? (byte)'\n' : raw[i];
            }

            bytes[n++] = c;
        }

        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    private static string Signature(string familyName, List<KeyValuePair<string, string>> labels)
    {
        var sorted = labels.ConvertAll(l => l.Key + Separator + l.Value);
        sorted.Add("__name__" + Separator + familyName);
        sorted.Sort(StringComparer.Ordinal);
        return string.Join(Separator + Separator, sorted);
    }

    // client_model stores summary and histogram counts as uint64.
    private static ulong ToCount(double value) => value is > 0 and < ulong.MaxValue ? (ulong)value : value >= ulong.MaxValue ? ulong.MaxValue : 0;

    private static int SkipBlanks(ReadOnlySpan<byte> line, int pos)
    {
        while (pos < line.Length && IsBlank(line[pos]))
        {
            pos++;
        }

        return pos;
    }

    private static bool IsBlank(byte c) => c is (byte)' ' or (byte)'\t';
}
