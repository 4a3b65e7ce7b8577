using System.Globalization;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's <c>--collector.ipvs.backend-labels</c>: the labels of the backend series, summed over backends
/// that share them (default all six). <see cref="Parse"/> accepts the flag's comma-separated form.
/// </summary>
internal sealed record IpvsOptions(IReadOnlyList<string> BackendLabels)
{
    /// <summary>The known labels in node_exporter's canonical order.</summary>
    public static readonly IReadOnlyList<string> AllLabels = ["local_address", "local_port", "remote_address", "remote_port", "proto", "local_mark"];

    public static readonly CollectorOption<string?> BackendLabelsOption = new("Metrics:IpvsBackendLabels", CollectorOptionKind.Text,
        string.Join(',', AllLabels), "comma-separated labels of the ipvs backend series; backends that share them are summed")
    {
        Check = labels => Problem(labels ?? ""),
    };

    public static IpvsOptions Default { get; } = From(CollectorSettings.Defaults);

    public static IpvsOptions From(CollectorSettings settings) => Parse(settings.Get(BackendLabelsOption) ?? "");

    /// <summary>ipvs_linux.go <c>parseIpvsLabels</c>: empty items are dropped, the result keeps the canonical order,
    /// an unknown label is an error.</summary>
    public static IpvsOptions Parse(string commaSeparated)
    {
        if (Problem(commaSeparated) is { } problem)
        {
            throw new ArgumentException(problem, nameof(commaSeparated));
        }

        var requested = Requested(commaSeparated);
        return new IpvsOptions([.. AllLabels.Where(requested.Contains)]);
    }

    private static string? Problem(string commaSeparated)
    {
        var unknown = Requested(commaSeparated).Except(AllLabels, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return unknown.Count > 0 ? $"unknown IPVS backend labels: \"{string.Join(", ", unknown)}\"" : null;
    }

    private static HashSet<string> Requested(string commaSeparated) =>
        commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// node_exporter's ipvs collector (collector/ipvs_linux.go, 1.12): the totals of <c>/proc/net/ip_vs_stats</c> as
/// counters and, from <c>/proc/net/ip_vs</c>, active and inactive connections and weight per backend, summed over
/// backends with equal label values. No IPVS module, no files: no data.
/// </summary>
internal sealed class IpvsCollector(CollectorContext context, IpvsOptions options) : INodeCollector
{
    public IpvsCollector(CollectorContext context)
        : this(context, IpvsOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("ipvs", true, [IpvsOptions.BackendLabelsOption], (context, settings) => new IpvsCollector(context, IpvsOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var statsPath = context.Paths.ProcFile("net/ip_vs_stats");
        if (KernelFile.ReadAll(statsPath) is not { } statsContent)
        {
            return CollectResult.NoData;
        }

        var stats = Parse(statsPath, () => IpvsStats.Parse(statsContent));
        var backendsPath = context.Paths.ProcFile("net/ip_vs");
        var backendsContent = KernelFile.ReadAll(backendsPath) ?? throw new InvalidDataException($"{backendsPath}: could not get backend status");
        var backends = Parse(backendsPath, () => IpvsBackend.Parse(backendsContent));

        // Label values (in BackendLabels order) -> sums; sorted by label values in label-name order for output.
        var sums = new Dictionary<string, (string[] Values, ulong Active, ulong Inactive, ulong Weight)>(StringComparer.Ordinal);
        foreach (var backend in backends)
        {
            var values = options.BackendLabels.Select(label => LabelValue(backend, label)).ToArray();
            var key = string.Join('-', values);
            var sum = sums.TryGetValue(key, out var existing) ? existing : (values, 0UL, 0UL, 0UL);
            sums[key] = (values, sum.Item2 + backend.ActiveConnections, sum.Item3 + backend.InactiveConnections, sum.Item4 + backend.Weight);
        }

        var labelOrder = Enumerable.Range(0, options.BackendLabels.Count).OrderBy(i => options.BackendLabels[i], StringComparer.Ordinal).ToArray();
        var rows = sums.Values.ToList();
        rows.Sort((x, y) =>
        {
            foreach (var i in labelOrder)
            {
                var order = SampleOrder.Compare(x.Values[i], y.Values[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return 0;
        });

        var labels = new string[options.BackendLabels.Count * 2];
        WriteBackends(writer, "node_ipvs_backend_connections_active", "The current active connections by local and remote address.", rows, labelOrder, labels, r => r.Active);
        WriteBackends(writer, "node_ipvs_backend_connections_inactive", "The current inactive connections by local and remote address.", rows, labelOrder, labels, r => r.Inactive);
        WriteBackends(writer, "node_ipvs_backend_weight", "The current backend weight by local and remote address.", rows, labelOrder, labels, r => r.Weight);

        WriteTotal(writer, "node_ipvs_connections_total", "The total number of connections made.", stats.Connections);
        WriteTotal(writer, "node_ipvs_incoming_bytes_total", "The total amount of incoming data.", stats.IncomingBytes);
        WriteTotal(writer, "node_ipvs_incoming_packets_total", "The total number of incoming packets.", stats.IncomingPackets);
        WriteTotal(writer, "node_ipvs_outgoing_bytes_total", "The total amount of outgoing data.", stats.OutgoingBytes);
        WriteTotal(writer, "node_ipvs_outgoing_packets_total", "The total number of outgoing packets.", stats.OutgoingPackets);
        return CollectResult.Success;
    }

    private void WriteBackends(
        MetricWriter writer,
        string name,
        string help,
        List<(string[] Values, ulong Active, ulong Inactive, ulong Weight)> rows,
        int[] labelOrder,
        string[] labels,
        Func<(string[] Values, ulong Active, ulong Inactive, ulong Weight), ulong> value)
    {
        writer.Family(name, MetricType.Gauge, help);
        foreach (var row in rows)
        {
            for (var i = 0; i < labelOrder.Length; i++)
            {
                labels[i * 2] = options.BackendLabels[labelOrder[i]];
                labels[(i * 2) + 1] = row.Values[labelOrder[i]];
            }

            writer.Sample(value(row), labels);
        }
    }

    private static void WriteTotal(MetricWriter writer, string name, string help, ulong value)
    {
        writer.Family(name, MetricType.Counter, help);
        writer.Sample(value);
    }

    private static string LabelValue(IpvsBackend backend, string label) => label switch
    {
        "local_address" => backend.LocalAddress,
        "local_port" => backend.LocalPort.ToString(CultureInfo.InvariantCulture),
        "remote_address" => backend.RemoteAddress,
        "remote_port" => backend.RemotePort.ToString(CultureInfo.InvariantCulture),
        "proto" => backend.Proto,
        "local_mark" => backend.LocalMark,
        _ => "",
    };

    private static T Parse<T>(string path, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
