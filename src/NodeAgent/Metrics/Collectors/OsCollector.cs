using System.Globalization;
using NodeAgent.Hostfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's os collector (collector/os_release.go, 1.8+): the host's os-release(5), <c>&lt;root&gt;/etc/os-release</c>
/// or else <c>&lt;root&gt;/usr/lib/os-release</c>, read on every scrape. <c>node_os_info</c> carries the identifying
/// fields as labels (empty when absent); <c>node_os_version{id,id_like,name}</c> the major.minor of VERSION_ID when it
/// is above 0; <c>node_os_support_end_timestamp_seconds</c> SUPPORT_END (a YYYY-MM-DD date, midnight UTC) when set.
/// Neither file is "no data"; a malformed file or date fails the collector. (node_exporter's NixOS activation
/// families are not exported: they read the exporter's own /run and Nix database, not the host's.)
/// </summary>
internal sealed class OsCollector(CollectorContext context) : INodeCollector
{
    private static readonly (string Label, string Key)[] InfoLabels =
    [
        ("build_id", "BUILD_ID"), ("id", "ID"), ("id_like", "ID_LIKE"), ("image_id", "IMAGE_ID"), ("image_version", "IMAGE_VERSION"),
        ("name", "NAME"), ("pretty_name", "PRETTY_NAME"), ("variant", "VARIANT"), ("variant_id", "VARIANT_ID"),
        ("version", "VERSION"), ("version_codename", "VERSION_CODENAME"), ("version_id", "VERSION_ID"),
    ];

    public static CollectorDescriptor Descriptor { get; } = new("os", true, (context, _) => new OsCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        foreach (var relative in (ReadOnlySpan<string>)["etc/os-release", "usr/lib/os-release"])
        {
            var path = context.Paths.RootFile(relative);
            if (KernelFile.ReadAll(path) is not { } content)
            {
                if (File.Exists(path))
                {
                    throw new IOException($"{path}: not readable");
                }

                continue;
            }

            if (!OsRelease.TryParse(content, out var values, out var error))
            {
                throw new InvalidDataException($"{path}: {error}");
            }

            Write(writer, values, path);
            return CollectResult.Success;
        }

        return CollectResult.NoData;
    }

    private static void Write(MetricWriter writer, IReadOnlyDictionary<string, string> values, string path)
    {
        string Get(string key) => values.TryGetValue(key, out var value) ? value : "";

        var labels = new string[InfoLabels.Length * 2];
        for (var i = 0; i < InfoLabels.Length; i++)
        {
            labels[2 * i] = InfoLabels[i].Label;
            labels[(2 * i) + 1] = Get(InfoLabels[i].Key);
        }

        writer.Family("node_os_info", MetricType.Gauge,
            "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.");
        writer.Sample(1, labels);
        if (Get("SUPPORT_END") is { Length: > 0 } supportEnd)
        {
            if (!DateTime.TryParseExact(supportEnd, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var end))
            {
                throw new InvalidDataException($"{path}: SUPPORT_END is not a YYYY-MM-DD date: \"{supportEnd}\"");
            }

            writer.Family("node_os_support_end_timestamp_seconds", MetricType.Gauge, "Metric containing the end-of-life date timestamp of the OS.");
            writer.Sample(new DateTimeOffset(end, TimeSpan.Zero).ToUnixTimeSeconds());
        }

        var version = OsRelease.MajorMinor(Get("VERSION_ID"));
        if (version > 0)
        {
            writer.Family("node_os_version", MetricType.Gauge, "Metric containing the major.minor part of the OS version.");
            writer.Sample(version, "id", Get("ID"), "id_like", Get("ID_LIKE"), "name", Get("NAME"));
        }
    }
}
