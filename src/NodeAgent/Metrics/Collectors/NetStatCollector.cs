using System.Text.RegularExpressions;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's <c>--collector.netstat.fields</c>: which <c>Protocol_Field</c> keys are exported.</summary>
internal sealed partial record NetStatOptions(Regex Fields)
{
    public static readonly CollectorOption<Regex?> FieldsOption = CollectorOptions.Regex("Metrics:NetstatFields", DefaultFields(),
        "`<Protocol>_<Field>` names of /proc/net/{netstat,snmp,snmp6} that netstat reports",
        defaultText: CollectorOptions.NodeExporterDefault);

    public static NetStatOptions Default { get; } = From(CollectorSettings.Defaults);

    public static NetStatOptions From(CollectorSettings settings) => new(settings.Get(FieldsOption)!);

    /// <summary>node_exporter 1.9+ default (1.8 added TCPOFOQueue, 1.9 TCPRcvQDrop), unchanged through 1.12.</summary>
    [GeneratedRegex(@"^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultFields();
}

/// <summary>
/// node_exporter's netstat collector (collector/netstat_linux.go, 1.12): every counter of <c>/proc/net/netstat</c>,
/// <c>/proc/net/snmp</c> and <c>/proc/net/snmp6</c> whose <c>Protocol_Field</c> key matches the fields regex, as an
/// untyped <c>node_netstat_&lt;Protocol&gt;_&lt;Field&gt;</c>. snmp6 is optional (absent with IPv6 disabled); the other
/// two are required, and a value that is not a number fails the whole collector, as in node_exporter.
/// </summary>
internal sealed class NetStatCollector(CollectorContext context, NetStatOptions options) : INodeCollector
{
    // The key set is fixed per kernel, so each key is matched once; the collector never runs concurrently with itself.
    // Per (protocol, field): whether the fields expression selects it, and its family name and help, decided once.
    private readonly Dictionary<(string Protocol, string Field), (bool Selected, string Family, string Help)> _fields = [];
    private readonly NameTable _names = new();

    public NetStatCollector(CollectorContext context)
        : this(context, NetStatOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("netstat", true, [NetStatOptions.FieldsOption], (context, settings) => new NetStatCollector(context, NetStatOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var netstatPath = context.Paths.ProcFile("net/netstat");
        var snmpPath = context.Paths.ProcFile("net/snmp");
        var snmp6Path = context.Paths.ProcFile("net/snmp6");
        if (KernelFile.ReadAll(netstatPath) is not { } netstat || KernelFile.ReadAll(snmpPath) is not { } snmp)
        {
            return CollectResult.NoData;
        }

        // Protocol -> fields, later files replacing a protocol wholesale as node_exporter's maps.Copy does.
        var protocols = new Dictionary<string, List<NetStatValue>>(StringComparer.Ordinal);
        Merge(protocols, Parse(netstatPath, netstat, c => NetStatFile.ParseTables(c, _names)));
        Merge(protocols, Parse(snmpPath, snmp, c => NetStatFile.ParseTables(c, _names)));
        if (KernelFile.ReadAll(snmp6Path) is { } snmp6)
        {
            Merge(protocols, Parse(snmp6Path, snmp6, c => NetStatFile.ParseSnmp6(c, _names)));
        }

        var samples = new SortedDictionary<string, (string Help, double Value)>(StringComparer.Ordinal);
        foreach (var fields in protocols.Values)
        {
            foreach (var field in fields)
            {
                if (!_fields.TryGetValue((field.Protocol, field.Field), out var known))
                {
                    var key = $"{field.Protocol}_{field.Field}";
                    known = (options.Fields.IsMatch(key), $"node_netstat_{key}", $"Statistic {field.Protocol}{field.Field}.");
                    _fields[(field.Protocol, field.Field)] = known;
                }

                if (known.Selected)
                {
                    samples[known.Family] = (known.Help, field.Value);
                }
            }
        }

        foreach (var (family, (help, value)) in samples)
        {
            writer.Family(family, MetricType.Untyped, help);
            writer.Sample(value);
        }

        return CollectResult.Success;
    }

    private static IReadOnlyList<NetStatValue> Parse(string path, byte[] content, Func<byte[], IReadOnlyList<NetStatValue>> parse)
    {
        try
        {
            return parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static void Merge(Dictionary<string, List<NetStatValue>> protocols, IReadOnlyList<NetStatValue> values)
    {
        var fresh = new Dictionary<string, List<NetStatValue>>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!fresh.TryGetValue(value.Protocol, out var list))
            {
                list = [];
                fresh[value.Protocol] = list;
            }

            list.Add(value);
        }

        foreach (var (protocol, list) in fresh)
        {
            protocols[protocol] = list;
        }
    }
}
