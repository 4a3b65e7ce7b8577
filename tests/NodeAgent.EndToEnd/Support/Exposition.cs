using System.Globalization;
using System.Text;

namespace NodeAgent.EndToEnd.Support;

internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Labels as one comparable key: name="value" pairs sorted by name.</summary>
    public string LabelKey => string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}

internal sealed record Family(string Name, string Type, List<Sample> Samples)
{
    public IReadOnlySet<string> LabelNames => Samples.SelectMany(s => s.Labels.Keys).ToHashSet(StringComparer.Ordinal);
}

/// <summary>A reader of the Prometheus text format 0.0.4 good enough to compare two exporters' output.</summary>
internal static class Exposition
{
    public static Dictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                families[parts[0]] = new Family(parts[0], parts[1], []);
                continue;
            }

            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var sample = ParseSample(line);
            var family = families.GetValueOrDefault(sample.Name) ?? FamilyOf(families, sample.Name);
            family.Samples.Add(sample);
        }

        return families;
    }

    private static Family FamilyOf(Dictionary<string, Family> families, string sampleName)
    {
        // Summaries and histograms: name_sum, name_count, name_bucket belong to "name".
        foreach (var suffix in new[] { "_sum", "_count", "_bucket" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sampleName[..^suffix.Length], out var f))
            {
                return f;
            }
        }

        return families[sampleName] = new Family(sampleName, "untyped", []);
    }

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && brace < space)
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var labelName = line[i..eq].Trim(',', ' ');
                var value = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] switch { 'n' => '\n', var c => c });
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }

                labels[labelName] = value.ToString();
                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            rest = i + 1;
        }
        else
        {
            name = line[..space];
            rest = space;
        }

        var valueText = line[rest..].Trim().Split(' ')[0];
        var number = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }
}
