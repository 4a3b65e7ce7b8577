using System.Net.Sockets;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;

namespace NodeAgent.Hosting;

/// <summary>
/// node_exporter's command line as another way to write NodeAgent's configuration: every flag node_exporter 1.12 has on
/// Linux, with the key of the same meaning, or why NodeAgent does not implement it. The one place that maps them.
/// <list type="bullet">
/// <item>The agent-wide flags (paths, web, logs) are mapped here by hand: a handful, stable since node_exporter 1.0.</item>
/// <item><c>--collector.&lt;name&gt;</c> and <c>--no-collector.&lt;name&gt;</c> exist for every collector of
/// <see cref="CollectorCatalog"/> and set <c>Metrics:Collectors:&lt;name&gt;</c>.</item>
/// <item>A collector flag <c>--collector.&lt;collector&gt;.&lt;option&gt;</c> sets the key of the collector option
/// declared with the same name (<c>Metrics:&lt;Collector&gt;&lt;Option&gt;</c>, compared without case and
/// punctuation: <c>collector.filesystem.mount-points-exclude</c> is <c>Metrics:FilesystemMountPointsExclude</c>), so
/// declaring an option is all a new collector setting needs to get its flag; node_exporter's flags that no option
/// matches are not implemented.</item>
/// </list>
/// </summary>
internal static partial class NodeExporterFlags
{
    public const string DisableDefaults = "collector.disable-defaults";

    /// <summary>Built on first use, after every static list of this class (declared in two files) is initialised.</summary>
    private static readonly Lazy<Dictionary<string, NodeExporterFlag>> Table = new(Build);

    /// <summary>Every node_exporter flag by name (without the leading <c>--</c>), implemented or not.</summary>
    public static IReadOnlyDictionary<string, NodeExporterFlag> ByName => Table.Value;

    public static IEnumerable<NodeExporterFlag> All => Table.Value.Values;

    /// <summary>The flag an argument names, with whether it was the <c>--no-</c> form; null when node_exporter has no
    /// such flag. A <c>--no-</c> form of a flag that is not a switch is returned too, for the parser to refuse.</summary>
    public static (NodeExporterFlag Flag, bool Negated)? Resolve(string name)
    {
        if (Table.Value.TryGetValue(name, out var flag))
        {
            return (flag, false);
        }

        return name.StartsWith("no-", StringComparison.Ordinal) && Table.Value.TryGetValue(name[3..], out flag) ? (flag, true) : null;
    }

    /// <summary>The node_exporter flag closest to a name node_exporter does not have, or null when none is close.</summary>
    public static string? Suggest(string name)
    {
        var negated = name.StartsWith("no-", StringComparison.Ordinal);
        var typed = negated ? name[3..] : name;
        var candidates = negated ? All.Where(f => f.Form == FlagForm.Switch).Select(f => f.Name) : Table.Value.Keys;

        // Most flags share "collector.": compared whole, any long name would be "close" to some collector's flag.
        const string Shared = "collector.";
        var prefix = typed.StartsWith(Shared, StringComparison.Ordinal) ? Shared : "";
        var closest = Suggestions.Closest(typed[prefix.Length..], candidates.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).Select(c => c[prefix.Length..]));
        return closest is null ? null : (negated ? "no-" : "") + prefix + closest;
    }

    private static Dictionary<string, NodeExporterFlag> Build()
    {
        var flags = new Dictionary<string, NodeExporterFlag>(StringComparer.Ordinal);
        foreach (var flag in AgentWide().Concat(Unimplemented()))
        {
            flags.Add(flag.Name, flag);
        }

        foreach (var collector in CollectorCatalog.All)
        {
            flags.Add($"collector.{collector.Name}", new($"collector.{collector.Name}", FlagForm.Switch) { Key = $"Metrics:Collectors:{collector.Name}" });
        }

        var options = CollectorCatalog.Options.ToDictionary(o => Normalized(o.Key["Metrics:".Length..]), StringComparer.Ordinal);
        foreach (var (name, form) in CollectorOptionFlags)
        {
            flags.Add(name, options.TryGetValue(Normalized(name["collector.".Length..]), out var option)
                ? new NodeExporterFlag(name, form) { Key = option.Key }
                : NodeExporterFlag.NotImplemented(name, form, CollectorMissing(name)));
        }

        foreach (var (name, alreadySo, why) in AlreadySoFlags)
        {
            if (!flags[name].IsImplemented)
            {
                flags[name] = flags[name] with { AlreadySo = alreadySo, Why = why };
            }
        }

        foreach (var (old, current) in Deprecated)
        {
            flags.Add(old, flags[current] with { Name = old });
        }

        return flags;
    }

    /// <summary>The flags of node_exporter itself, the exporter toolkit (web) and promslog (log), mapped by hand.</summary>
    private static IEnumerable<NodeExporterFlag> AgentWide() =>
    [
        new("path.procfs", FlagForm.Value) { Key = "Host:ProcPath" },
        new("path.sysfs", FlagForm.Value) { Key = "Host:SysPath" },
        new("path.rootfs", FlagForm.Value) { Key = "Host:RootPath" },
        // Read by diskstats; node_exporter names it with the paths.
        new("path.udev.data", FlagForm.Value) { Key = DiskstatsOptions.UdevDataPathOption.Key },
        new("web.listen-address", FlagForm.Repeatable) { Key = "Http:ListenAddress", KeyValue = ListenAddress },
        new("web.telemetry-path", FlagForm.Value) { Key = "Http:MetricsPath" },
        new("web.config.file", FlagForm.Value) { Key = "Http:WebConfigFile" },
        new("web.disable-exporter-metrics", FlagForm.Switch) { Key = "Metrics:AgentMetrics", KeyValue = static on => on == "true" ? "false" : "true" },
        new("log.level", FlagForm.Value) { Key = "Logging:Level", KeyValue = LevelOf, Expected = "one of debug, info, warn, error" },
        new("log.format", FlagForm.Value) { Key = "Logging:Format", KeyValue = FormatOf, Expected = "one of logfmt, json" },
        // Sets every collector's default: see CommandLine, which makes it a layer right after the built-in defaults.
        new(DisableDefaults, FlagForm.Switch) { Key = "Metrics:Collectors" },
    ];

    /// <summary>Go's listen address: <c>:9100</c> is every address of the host, IPv6 and IPv4 (dual-stack), or IPv4
    /// alone where the kernel has no IPv6; the rest is NodeAgent's own form.</summary>
    private static string ListenAddress(string value) =>
        value.StartsWith(':') ? (Socket.OSSupportsIPv6 ? "[::]" : "0.0.0.0") + value : value;

    /// <summary>promslog's levels, without case as it reads them, to NodeAgent's.</summary>
    private static string? LevelOf(string value) => value.ToLowerInvariant() switch
    {
        "debug" => "Debug",
        "info" => "Information",
        "warn" => "Warning",
        "error" => "Error",
        _ => null,
    };

    /// <summary>promslog's formats: logfmt, one line of key=value pairs, is closest to NodeAgent's single-line text.</summary>
    private static string? FormatOf(string value) => value switch
    {
        "logfmt" => "text",
        "json" => "json",
        _ => null,
    };

    private static string? CollectorMissing(string flag)
    {
        var collector = flag["collector.".Length..flag.IndexOf('.', "collector.".Length)];
        return CollectorCatalog.Find(collector) is { Create: null } ? $"the {collector} collector is not implemented" : null;
    }

    /// <summary>A name without case and punctuation: <c>filesystem.mount-points-exclude</c> and
    /// <c>FilesystemMountPointsExclude</c> are both <c>filesystemmountpointsexclude</c>.</summary>
    internal static string Normalized(string name) =>
        string.Concat(name.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant));
}
