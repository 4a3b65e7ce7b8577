namespace NodeAgent.Hosting;

/// <summary>How node_exporter's command-line parser (kingpin) reads a flag.</summary>
internal enum FlagForm
{
    /// <summary><c>--flag</c> is true, <c>--no-flag</c> false; it takes no value (kingpin refuses <c>--flag=false</c>).</summary>
    Switch,

    /// <summary><c>--flag=value</c> or <c>--flag value</c>, at most once.</summary>
    Value,

    /// <summary>A value, and the flag may be given again for more (kingpin's <c>Strings()</c>).</summary>
    Repeatable,
}

/// <summary>
/// One of node_exporter's flags and what NodeAgent makes of it: the configuration key of the same meaning and how the
/// flag's value becomes the key's, or, for a flag NodeAgent does not implement, why (the exit 2 message).
/// </summary>
internal sealed record NodeExporterFlag(string Name, FlagForm Form)
{
    /// <summary>The key the flag sets (for a collector switch, <c>Metrics:Collectors:&lt;name&gt;</c>); null when
    /// NodeAgent does not implement the flag.</summary>
    public string? Key { get; init; }

    /// <summary>The key's value for the flag's (a switch's is <c>true</c> or <c>false</c>); null when the flag's
    /// value is not one node_exporter accepts either.</summary>
    public Func<string, string?> KeyValue { get; init; } = static value => value;

    /// <summary>What <see cref="KeyValue"/> accepts, for the message when it refuses a value.</summary>
    public string? Expected { get; init; }

    /// <summary>For a flag without a key: the values it is accepted with although it sets nothing, because NodeAgent
    /// does that anyway (<c>--no-collector.arp.netlink</c>: it reads /proc/net/arp); null when there are none.</summary>
    public Func<string, bool>? AlreadySo { get; init; }

    /// <summary>For a flag without a key: why NodeAgent does not implement it, said with the error.</summary>
    public string? Why { get; init; }

    public bool IsImplemented => Key is not null;

    public static NodeExporterFlag NotImplemented(string name, FlagForm form, string? why = null) => new(name, form) { Why = why };
}
