using System.Text.RegularExpressions;
using NodeAgent.Metrics;

namespace NodeAgent.Hosting;

/// <summary>The metrics half's keys: which collectors run, and each collector's settings as its descriptor declares
/// them (kind, default, the include that replaces an exclude, the pairs that exclude each other).</summary>
internal sealed partial class AgentOptionsReader
{
    private Dictionary<string, bool> Collectors()
    {
        var enabled = CollectorCatalog.DefaultStates();
        foreach (var child in _config.GetSection("Metrics:Collectors").GetChildren())
        {
            // An unknown name is reported by UnknownKeys; here it is only not switched.
            if (CollectorCatalog.Find(child.Key) is { } collector && Parse(child.Path, ConfigValues.ParseBool, ConfigValues.BoolExpected) is { } value)
            {
                enabled[collector.Name] = value;
            }
        }

        return enabled;
    }

    private CollectorSettings ReadCollectorSettings()
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var option in CollectorCatalog.Options)
        {
            values[option.Key] = ReadOption(option);
        }

        foreach (var option in CollectorCatalog.Options.Where(o => values[o.Key] is not null))
        {
            // node_exporter: an include given alone replaces the default exclude; an exclude set explicitly stays.
            if (option.Replaces is { } exclude && !IsSetByAnyLayer(exclude.Key))
            {
                values[exclude.Key] = null;
            }

            if (option.ExclusiveWith is { } other && values[other.Key] is not null)
            {
                Error(option.Key, $"is set together with {other.Key} (expected one of them)");
            }
        }

        return new CollectorSettings(values);
    }

    private object? ReadOption(CollectorOption option)
    {
        var key = option.Key;
        object? value = option.Kind switch
        {
            CollectorOptionKind.Path or CollectorOptionKind.Text => Text(key) ?? (string?)option.DefaultValue,
            CollectorOptionKind.Bool => Bool(key),
            CollectorOptionKind.Duration => Duration(key),
            CollectorOptionKind.Count => (int)Math.Min(Size(key), int.MaxValue),
            // The declared default is kept as it is (a source-generated expression) unless a layer sets the key.
            CollectorOptionKind.Regex => IsSetByAnyLayer(key) ? RegexValue(key) : option.DefaultValue,
            CollectorOptionKind.List => IsSetByAnyLayer(key) ? List(key) : option.DefaultValue,
            _ => throw new InvalidOperationException($"{key}: no reader for {option.Kind}"),
        };

        if (option.Problem(value) is { } problem)
        {
            Error(key, $"'{Text(key)}' is not valid ({problem})");
        }

        return value;
    }

    /// <summary>A regular expression key: the configured pattern, else the schema default; null when neither.</summary>
    private Regex? RegexValue(string key)
    {
        var pattern = Text(key) ?? ConfigSchema.Find(key)!.Default;
        if (pattern is null)
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            Error(key, $"'{pattern}' is not a valid regular expression ({e.Message})");
            return null;
        }
    }
}
