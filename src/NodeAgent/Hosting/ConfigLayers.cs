using System.Collections;
using Microsoft.Extensions.Configuration;

namespace NodeAgent.Hosting;

/// <summary>One source of configuration, flattened to <c>Section:Key</c> pairs; <see cref="Name"/> says where
/// a value came from in error messages (a file path, "environment", "command line", "command line: --path.sysfs").</summary>
/// <param name="FromNodeExporterFlag">Made from one of node_exporter's flags: the agent was started as node_exporter.</param>
internal sealed record ConfigLayer(string Name, IReadOnlyDictionary<string, string?> Values, bool IsBuiltIn = false, bool FromNodeExporterFlag = false);

/// <summary>
/// Reads the configuration sources in the contract's order, later wins: built-in defaults →
/// <c>/etc/node-agent/config.json</c> if it exists → <c>--config FILE</c> → environment <c>NODEAGENT_*</c> →
/// command line <c>--Section:Key=value</c> and node_exporter's flags, in their order (<see cref="CommandLine"/>).
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
        var (flagDefaults, commandLine) = CommandLine.Read(keyArguments, errors);
        if (flagDefaults is not null)
        {
            layers.Insert(1, flagDefaults);
        }

        layers.AddRange(commandLine);
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

    private static string InnermostMessage(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}
