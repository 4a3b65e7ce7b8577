using System.Globalization;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's mountstats collector (collector/mountstats_linux.go, 1.12; off by default): NFS client statistics
/// per mount from <c>&lt;proc&gt;/self/mountstats</c>, labelled with the export, the transport protocol and the server
/// address (the <c>addr=</c> super option of the <c>&lt;proc&gt;/self/mountinfo</c> line at the same position, as
/// node_exporter pairs them). Mounts of one export over one protocol to one address are reported once (the first);
/// each mount point still gets its <c>node_mountstats_nfs_mountpoint_info</c>. Like node_exporter it reads the mounts
/// of its own mount namespace (<c>self</c>): in a pod, the NFS mounts the agent's container sees.
/// </summary>
internal sealed class MountStatsCollector(CollectorContext context) : INodeCollector
{
    private const string Prefix = "node_mountstats_nfs_";

    // Go's float64 mantissa: node_exporter takes these counters modulo 2^53 so that they stay exact as floats.
    private const ulong Mantissa = 9007199254740992;

    public static CollectorDescriptor Descriptor { get; } = new("mountstats", false, (context, _) => new MountStatsCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var statsPath = context.Paths.ProcFile("self/mountstats");
        var infoPath = context.Paths.ProcFile("self/mountinfo");
        if (KernelFile.ReadAll(statsPath) is not { } statsContent)
        {
            return CollectResult.NoData;
        }

        if (!MountStats.TryParse(statsContent, out var mounts, out var problem))
        {
            throw new InvalidDataException($"{statsPath}: {problem}");
        }

        var infoContent = KernelFile.ReadAll(infoPath) ?? throw new InvalidDataException($"{infoPath}: unreadable");
        if (!MountInfo.TryParse(infoContent, out var infos, out var badLine))
        {
            throw new InvalidDataException($"{infoPath}: unexpected line \"{badLine}\"");
        }

        var families = new SortedFamilies();
        var devices = new HashSet<(string, string, string)>();
        var mountPoints = new HashSet<(string, string, string, string)>();
        for (var i = 0; i < mounts.Count; i++)
        {
            if (mounts[i] is not { Nfs: { } nfs } mount)
            {
                continue;
            }

            var address = i < infos.Count ? SuperOption(infos[i].SuperOptions, "addr") : "";
            foreach (var transport in nfs.Transports)
            {
                if (mountPoints.Add((mount.Device, transport.Protocol, address, mount.MountPoint)))
                {
                    families.Add(Prefix + "mountpoint_info", MetricType.Gauge, "Info metric for an NFS mountpoint.", 1,
                        "export", mount.Device, "mountaddr", address, "mountpoint", mount.MountPoint, "protocol", transport.Protocol);
                }

                if (!devices.Add((mount.Device, transport.Protocol, address)))
                {
                    break;
                }

                AddStats(families, nfs, mount.Device, transport.Protocol, address);
            }
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }

    private static void AddStats(SortedFamilies families, NfsMountStats nfs, string export, string protocol, string address)
    {
        string[] labels = ["export", export, "mountaddr", address, "protocol", protocol];
        families.Add(Prefix + "age_seconds_total", MetricType.Counter, "The age of the NFS mount in seconds.", nfs.AgeSeconds, labels);
        foreach (var (index, name, help) in MountStatsFamilies.Bytes)
        {
            families.Add(Prefix + name, MetricType.Counter, help, nfs.Bytes[index], labels);
        }

        for (var t = 0; t < nfs.Transports.Count; t++)
        {
            var values = nfs.Transports[t].Values;
            string[] transportLabels = ["export", export, "mountaddr", address, "protocol", protocol, "transport", t.ToString(CultureInfo.InvariantCulture)];
            foreach (var (index, name, type, help) in MountStatsFamilies.Transport)
            {
                var value = name == "transport_idle_time_seconds" ? values[index] % Mantissa : values[index];
                families.Add(Prefix + name, type, help, value, transportLabels);
            }
        }

        foreach (var operation in nfs.Operations)
        {
            string[] operationLabels = ["export", export, "mountaddr", address, "operation", operation.Operation, "protocol", protocol];
            var values = operation.Values;
            foreach (var (index, name, help) in MountStatsFamilies.Operations)
            {
                // Indices 5–7 are milliseconds, reported in seconds.
                double value = index < 5 ? values[index] : (values[index] % Mantissa) / 1000.0;
                families.Add(Prefix + name, MetricType.Counter, help, value, operationLabels);
            }
        }

        foreach (var (index, name, help) in MountStatsFamilies.Events)
        {
            families.Add(Prefix + name, MetricType.Counter, help, nfs.Events[index], labels);
        }
    }

    /// <summary>The value of <c>key=value</c> in a comma-separated super option list (procfs splits each entry on
    /// <c>=</c> and keeps only two-part ones as pairs); "" when absent.</summary>
    private static string SuperOption(string options, string key)
    {
        foreach (var option in options.Split(','))
        {
            var parts = option.Split('=');
            if (parts.Length == 2 && parts[0] == key)
            {
                return parts[1];
            }
        }

        return "";
    }
}
