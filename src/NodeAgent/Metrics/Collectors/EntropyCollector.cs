using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's entropy collector (collector/entropy_linux.go): <c>node_entropy_available_bits</c> and
/// <c>node_entropy_pool_size_bits</c> from /proc/sys/kernel/random/{entropy_avail,poolsize}. An unparsable value fails
/// the collector; a missing file is "no data" (keeping entropy_avail if only poolsize is absent).
/// </summary>
internal sealed class EntropyCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("entropy", true, (context, _) => new EntropyCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        if (Read("sys/kernel/random/entropy_avail") is not { } available)
        {
            return CollectResult.NoData;
        }

        writer.Family("node_entropy_available_bits", MetricType.Gauge, "Bits of available entropy.");
        writer.Sample(available);
        if (Read("sys/kernel/random/poolsize") is not { } poolSize)
        {
            return CollectResult.NoData;
        }

        writer.Family("node_entropy_pool_size_bits", MetricType.Gauge, "Bits of entropy pool.");
        writer.Sample(poolSize);
        return CollectResult.Success;
    }

    // procfs ReadUintFromFile: the trimmed content as a decimal uint64.
    private ulong? Read(string relative)
    {
        var path = context.Paths.ProcFile(relative);
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return null;
        }

        return AsciiFields.TryParseUInt64(content.AsSpan().Trim(" \t\n\r"u8), out var value)
            ? value
            : throw new InvalidDataException($"{path}: not an unsigned integer");
    }
}
