using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's xfrm collector (collector/xfrm.go, 1.12; off by default): the IPsec error counters of
/// <c>/proc/net/xfrm_stat</c>, one <c>node_xfrm_*_packets_total</c> counter each, with node_exporter's HELP texts
/// (which are the kernel documentation's descriptions). A kernel built without CONFIG_XFRM_STATISTICS has no such
/// file: "no data" here, an open error in node_exporter.
/// </summary>
internal sealed class XfrmCollector(CollectorContext context) : INodeCollector
{
    // (counter of /proc/net/xfrm_stat, metric, HELP), in metric-name order.
    private static readonly (string Field, string Metric, string Help)[] Families =
    [
        ("XfrmAcquireError", "node_xfrm_acquire_error_packets_total", "State hasn\u2019t been fully acquired before use"),
        ("XfrmFwdHdrError", "node_xfrm_fwd_hdr_error_packets_total", "Forward routing of a packet is not allowed"),
        ("XfrmInBufferError", "node_xfrm_in_buffer_error_packets_total", "No buffer is left"),
        ("XfrmInError", "node_xfrm_in_error_packets_total", "All errors not matched by other"),
        ("XfrmInHdrError", "node_xfrm_in_hdr_error_packets_total", "Header error"),
        ("XfrmInNoPols", "node_xfrm_in_no_pols_packets_total", "No policy is found for states e.g. Inbound SAs are correct but no SP is found"),
        ("XfrmInNoStates", "node_xfrm_in_no_states_packets_total", "No state is found i.e. Either inbound SPI, address, or IPsec protocol at SA is wrong"),
        ("XfrmInPolBlock", "node_xfrm_in_pol_block_packets_total", "Policy discards"),
        ("XfrmInPolError", "node_xfrm_in_pol_error_packets_total", "Policy error"),
        ("XfrmInStateExpired", "node_xfrm_in_state_expired_packets_total", "State is expired"),
        ("XfrmInStateInvalid", "node_xfrm_in_state_invalid_packets_total", "State is invalid"),
        ("XfrmInStateMismatch", "node_xfrm_in_state_mismatch_packets_total", "State has mismatch option e.g. UDP encapsulation type is mismatch"),
        ("XfrmInStateModeError", "node_xfrm_in_state_mode_error_packets_total", "Transformation mode specific error"),
        ("XfrmInStateProtoError", "node_xfrm_in_state_proto_error_packets_total", "Transformation protocol specific error e.g. SA key is wrong"),
        ("XfrmInStateSeqError", "node_xfrm_in_state_seq_error_packets_total", "Sequence error i.e. Sequence number is out of window"),
        ("XfrmInTmplMismatch", "node_xfrm_in_tmpl_mismatch_packets_total", "No matching template for states e.g. Inbound SAs are correct but SP rule is wrong"),
        ("XfrmOutBundleCheckError", "node_xfrm_out_bundle_check_error_packets_total", "Bundle check error"),
        ("XfrmOutBundleGenError", "node_xfrm_out_bundle_gen_error_packets_total", "Bundle generation error"),
        ("XfrmOutError", "node_xfrm_out_error_packets_total", "All errors which is not matched others"),
        ("XfrmOutNoStates", "node_xfrm_out_no_states_packets_total", "No state is found"),
        ("XfrmOutPolBlock", "node_xfrm_out_pol_block_packets_total", "Policy discards"),
        ("XfrmOutPolDead", "node_xfrm_out_pol_dead_packets_total", "Policy is dead"),
        ("XfrmOutPolError", "node_xfrm_out_pol_error_packets_total", "Policy error"),
        ("XfrmOutStateExpired", "node_xfrm_out_state_expired_packets_total", "State is expired"),
        ("XfrmOutStateInvalid", "node_xfrm_out_state_invalid_packets_total", "State is invalid, perhaps expired"),
        ("XfrmOutStateModeError", "node_xfrm_out_state_mode_error_packets_total", "Transformation mode specific error"),
        ("XfrmOutStateProtoError", "node_xfrm_out_state_proto_error_packets_total", "Transformation protocol specific error"),
        ("XfrmOutStateSeqError", "node_xfrm_out_state_seq_error_packets_total", "Sequence error i.e. Sequence number overflow"),
    ];

    public static CollectorDescriptor Descriptor { get; } = new("xfrm", false, (context, _) => new XfrmCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("net/xfrm_stat");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!XfrmStat.TryParse(content, out var values, out var problem))
        {
            throw new InvalidDataException($"{path}: {problem}");
        }

        foreach (var (field, metric, help) in Families)
        {
            writer.Family(metric, MetricType.Counter, help);
            writer.Sample(values[Array.IndexOf(XfrmStat.Names, field)]);
        }

        return CollectResult.Success;
    }
}
