using System.Collections;
using Microsoft.Extensions.Configuration;

namespace NodeAgent.Hosting;

/// <summary>One source of configuration, flattened to <c>Section:Key</c> pairs; <see cref="Name"/> says where
/// a value came from in error messages (a file path, "environment", "command line").</summary>
internal sealed record ConfigLayer(string Name, IReadOnlyDictionary<string, string?> Values, bool IsBuiltIn = false);

/// <summary>
/// Reads the configuration sources in the contract's order, later wins: built-in defaults →
/// <c>/etc/node-agent/config.json</c> if it exists → <c>--config FILE</c> → environment <c>NODEAGENT_*</c> →
/// command line <c>--Section:Key=value</c>.
/// </summary>
internal static class ConfigLayers
{
    public const string SystemConfigPath = "/etc/node-agent/config.json";
    public const string EnvironmentPrefix = "NODEAGENT_";

    public static (IReadOnlyList<ConfigLayer> Layers, IReadOnlyList<string> Errors) Load(
        string systemConfigPath,
        string? configFile,
        IDictionary environment,
        IReadOnlyList<string> keyArguments)
    {
        var layers = new List<ConfigLayer> { Defaults() };
        var errors = new List<string>();

        if (File.Exists(systemConfigPath))
        {
            AddFile(systemConfigPath, layers, errors);
        }

        if (configFile is not null)
        {
            if (File.Exists(configFile))
            {
                AddFile(configFile, layers, errors);
            }
            else
            {
                errors.Add($"--config {configFile}: file not found");
            }
        }

        layers.Add(new ConfigLayer("environment", FromEnvironment(environment)));
        layers.Add(new ConfigLayer("command line", FromArguments(keyArguments, errors)));
        return (layers, errors);
    }

    public static IConfigurationRoot Merge(IEnumerable<ConfigLayer> layers)
    {
        var builder = new ConfigurationBuilder();
        foreach (var layer in layers)
        {
            builder.AddInMemoryCollection(layer.Values.Where(p => p.Value is not null));
        }

        return builder.Build();
    }

    private static ConfigLayer Defaults()
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in ConfigSchema.Keys)
        {
            // List defaults are applied by the reader when no layer sets the list: merging index-wise would turn a
            // user's one-element list into a mix of theirs and ours.
            if (key.Default is not null && key.Kind != ConfigKind.List)
            {
                values[key.Path] = key.Default;
            }
        }

        return new ConfigLayer("built-in defaults", values, IsBuiltIn: true);
    }

    private static void AddFile(string path, List<ConfigLayer> layers, List<string> errors)
    {
        try
        {
            var root = new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false)
                .Build();
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            // Null values are kept: an empty JSON array or object must still count as "set" (an explicit empty list).
            foreach (var (key, value) in root.AsEnumerable())
            {
                values[key] = value;
            }

            layers.Add(new ConfigLayer(path, values));
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: not a valid JSON configuration file: {InnermostMessage(e)}");
        }
    }

    private static Dictionary<string, string?> FromEnvironment(IDictionary environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                values[name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = entry.Value as string;
            }
        }

        return values;
    }

    private static Dictionary<string, string?> FromArguments(IReadOnlyList<string> arguments, List<string> errors)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                errors.Add($"command line: unexpected argument '{argument}' (expected --Section:Key=value, --config FILE, --version or check-config)");
                continue;
            }

            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[argument[2..equals]] = argument[(equals + 1)..];
            }
            else if (i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[argument[2..]] = arguments[++i];
            }
            else
            {
                errors.Add($"command line: {argument[2..]}: no value (expected --{argument[2..]}=value)");
            }
        }

        return values;
    }

    private static string InnermostMessage(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}
