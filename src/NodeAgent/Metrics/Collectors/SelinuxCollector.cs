using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's selinux collector (collector/selinux_linux.go, 1.9+: enabled, config and current mode only).
/// node_exporter asks go-selinux, which looks at the exporter's own mounts and /etc; the agent looks at the host:
/// SELinux counts as enabled when selinuxfs is mounted at <c>&lt;sys&gt;/fs/selinux</c> (its <c>enforce</c> file
/// exists) and the agent's own context (<c>&lt;proc&gt;/self/attr/current</c>) is not <c>kernel</c>, go-selinux's
/// test. Then <c>node_selinux_current_mode</c> is the <c>enforce</c> value (-1 if unreadable) and
/// <c>node_selinux_config_mode</c> the host's <c>&lt;root&gt;/etc/selinux/config</c> SELINUX= setting (enforcing 1,
/// permissive 0, anything else -1). Disabled: only <c>node_selinux_enabled 0</c>, a success as in node_exporter.
/// </summary>
internal sealed class SelinuxCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("selinux", true, (context, _) => new SelinuxCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var enforce = context.Paths.SysFile("fs/selinux/enforce");
        var enabled = File.Exists(enforce) && KernelFile.ReadTrimmed(context.Paths.ProcFile("self/attr/current")) != "kernel";
        if (enabled)
        {
            writer.Family("node_selinux_config_mode", MetricType.Gauge, "Configured SELinux enforcement mode");
            writer.Sample(ConfiguredMode());
            writer.Family("node_selinux_current_mode", MetricType.Gauge, "Current SELinux enforcement mode");
            writer.Sample(int.TryParse(KernelFile.ReadTrimmed(enforce), System.Globalization.CultureInfo.InvariantCulture, out var mode) ? mode : -1);
        }

        writer.Family("node_selinux_enabled", MetricType.Gauge, "SELinux is enabled, 1 is true, 0 is false");
        writer.Sample(enabled ? 1 : 0);
        return CollectResult.Success;
    }

    // go-selinux readConfig: "KEY=value" lines, blanks and '#' comments skipped, the value trimmed and unquoted.
    private int ConfiguredMode()
    {
        var config = KernelFile.ReadAll(context.Paths.RootFile("etc/selinux/config"));
        if (config is null)
        {
            return -1;
        }

        foreach (var raw in System.Text.Encoding.UTF8.GetString(config).Split('\n'))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] is '#' or ';' || equals < 0 || line[..equals].Trim() != "SELINUX")
            {
                continue;
            }

            return line[(equals + 1)..].Trim().Trim('"') switch
            {
                "enforcing" => 1,
                "permissive" => 0,
                _ => -1,
            };
        }

        return -1;
    }
}
