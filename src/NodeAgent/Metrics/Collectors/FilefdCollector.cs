using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's filefd collector (collector/filefd_linux.go): <c>node_filefd_allocated</c> and
/// <c>node_filefd_maximum</c> from /proc/sys/fs/file-nr.</summary>
internal sealed class FilefdCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("filefd", true, (context, _) => new FilefdCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("sys/fs/file-nr");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!FileNr.TryParse(content, out var fileNr))
        {
            throw new InvalidDataException($"{path}: unexpected content \"{FileNr.Describe(content)}\"");
        }

        writer.Family("node_filefd_allocated", MetricType.Gauge, "File descriptor statistics: allocated.");
        writer.Sample(fileNr.Allocated);
        writer.Family("node_filefd_maximum", MetricType.Gauge, "File descriptor statistics: maximum.");
        writer.Sample(fileNr.Maximum);
        return CollectResult.Success;
    }
}
