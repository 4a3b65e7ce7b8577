using System.Globalization;
using NodeAgent.Metrics;

namespace NodeAgent.Hosting;

/// <summary>
/// A typo in a config file must not be silently ignored (the default of Microsoft.Extensions.Configuration): every
/// key of every layer is checked against <see cref="ConfigSchema"/>, and a miss names the closest known key.
/// </summary>
internal static class UnknownKeys
{
    public static IEnumerable<string> Find(IEnumerable<ConfigLayer> layers)
    {
        foreach (var layer in layers.Where(l => !l.IsBuiltIn))
        {
            // One report per unknown prefix: "Logz" once, not once for each of its keys.
            var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in layer.Values.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                if (Problem(key, value) is { } problem && reported.Add(problem.Path))
                {
                    yield return $"{layer.Name}: {problem.Path}: {problem.Message}";
                }
            }
        }
    }

    internal static (string Path, string Message)? Problem(string key, string? value)
    {
        var segments = key.Split(':');
        var section = segments[0];
        if (!ConfigSchema.Sections.Contains(section, StringComparer.OrdinalIgnoreCase))
        {
            return (section, "unknown key" + Suggestions.DidYouMean(section, ConfigSchema.Sections));
        }

        var keysOfSection = ConfigSchema.Keys.Where(k => string.Equals(k.Section, section, StringComparison.OrdinalIgnoreCase)).ToList();
        if (segments.Length == 1)
        {
            // An empty object or array in JSON flattens to the section itself with an empty value: harmless.
            return string.IsNullOrEmpty(value)
                ? null
                : (section, $"expected an object with keys {string.Join(", ", keysOfSection.Select(k => k.Path))}, not a value");
        }

        var path = section + ":" + segments[1];
        var known = ConfigSchema.Find(path);
        if (known is null)
        {
            return (path, "unknown key" + Suggestions.DidYouMean(path, keysOfSection.Select(k => k.Path)));
        }

        return known.Kind switch
        {
            ConfigKind.List when segments.Length == 2 || (segments.Length == 3 && int.TryParse(segments[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)) => null,
            ConfigKind.List => (key, $"unknown key ({known.Path} is a list: use a JSON array or {known.Path}:0, {known.Path}:1, ...)"),
            ConfigKind.BoolMap when segments.Length == 2 => string.IsNullOrEmpty(value)
                ? null
                : (key, $"expected an object of collector names, such as {known.Path}:cpu = true"),
            ConfigKind.BoolMap when segments.Length == 3 && CollectorCatalog.IsKnown(segments[2]) => null,
            ConfigKind.BoolMap when segments.Length == 3 =>
                (key, "unknown collector" + Suggestions.DidYouMean(segments[2], CollectorCatalog.Names)),
            ConfigKind.RuleMap when segments.Length is 2 or 3 => string.IsNullOrEmpty(value)
                ? null
                : (key, $"expected an object of rules, such as {known.Path}:<name>:{known.Choices![0]} = <regular expression>"),
            ConfigKind.RuleMap when segments.Length == 4 && known.Choices!.Contains(segments[3], StringComparer.OrdinalIgnoreCase) => null,
            ConfigKind.RuleMap => (key, $"unknown key (a rule of {known.Path} has the parts {string.Join(", ", known.Choices!)})"),
            _ when segments.Length == 2 => null,
            _ => (key, $"unknown key ({known.Path} takes a single value)"),
        };
    }
}
