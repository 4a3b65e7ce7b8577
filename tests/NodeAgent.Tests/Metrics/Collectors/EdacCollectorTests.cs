using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class EdacCollectorTests
{
    [Fact]
    public void Controllers_csrows_and_channels_are_reported_with_noinfo_counts_as_csrow_unknown()
    {
        var (result, text) = CollectorHarness.Collect(new EdacCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_edac_channel_correctable_errors_total Total correctable memory errors for this channel.
            # TYPE node_edac_channel_correctable_errors_total counter
            node_edac_channel_correctable_errors_total{channel="0",controller="0",csrow="0",dimm_label="mc0_csrow0_channel0"} 2
            node_edac_channel_correctable_errors_total{channel="0",controller="0",csrow="1",dimm_label="mc0_csrow1_channel0"} 0
            node_edac_channel_correctable_errors_total{channel="1",controller="0",csrow="0",dimm_label="CPU_SrcID0_Ha0_Chan1_DIMM0"} 1
            # HELP node_edac_channel_uncorrectable_errors_total Total uncorrectable memory errors for this channel.
            # TYPE node_edac_channel_uncorrectable_errors_total counter
            node_edac_channel_uncorrectable_errors_total{channel="0",controller="0",csrow="1",dimm_label="mc0_csrow1_channel0"} 1
            # HELP node_edac_correctable_errors_total Total correctable memory errors.
            # TYPE node_edac_correctable_errors_total counter
            node_edac_correctable_errors_total{controller="0"} 1
            node_edac_correctable_errors_total{controller="1"} 10
            # HELP node_edac_csrow_correctable_errors_total Total correctable memory errors for this csrow.
            # TYPE node_edac_csrow_correctable_errors_total counter
            node_edac_csrow_correctable_errors_total{controller="0",csrow="0"} 3
            node_edac_csrow_correctable_errors_total{controller="0",csrow="1"} 0
            node_edac_csrow_correctable_errors_total{controller="0",csrow="unknown"} 2
            node_edac_csrow_correctable_errors_total{controller="1",csrow="unknown"} 10
            # HELP node_edac_csrow_uncorrectable_errors_total Total uncorrectable memory errors for this csrow.
            # TYPE node_edac_csrow_uncorrectable_errors_total counter
            node_edac_csrow_uncorrectable_errors_total{controller="0",csrow="0"} 4
            node_edac_csrow_uncorrectable_errors_total{controller="0",csrow="1"} 0
            node_edac_csrow_uncorrectable_errors_total{controller="0",csrow="unknown"} 4
            node_edac_csrow_uncorrectable_errors_total{controller="1",csrow="unknown"} 0
            # HELP node_edac_uncorrectable_errors_total Total uncorrectable memory errors.
            # TYPE node_edac_uncorrectable_errors_total counter
            node_edac_uncorrectable_errors_total{controller="0"} 5
            node_edac_uncorrectable_errors_total{controller="1"} 0

            """, text);
    }

    [Fact]
    public void Controllers_sort_by_label_value_and_a_controller_without_csrows_has_only_unknown()
    {
        using var tree = new TempDirectory();
        foreach (var mc in new[] { "mc2", "mc10" })
        {
            tree.Write($"sys/devices/system/edac/mc/{mc}/ce_count", "0\n");
            tree.Write($"sys/devices/system/edac/mc/{mc}/ce_noinfo_count", "0\n");
            tree.Write($"sys/devices/system/edac/mc/{mc}/ue_count", "0\n");
            tree.Write($"sys/devices/system/edac/mc/{mc}/ue_noinfo_count", "0\n");
        }

        var (_, text) = CollectorHarness.Collect(new EdacCollector(CollectorHarness.Context(Paths(tree))));

        Assert.Equal(
            ["node_edac_correctable_errors_total{controller=\"10\"} 0", "node_edac_correctable_errors_total{controller=\"2\"} 0"],
            CollectorHarness.Samples(text).Where(l => l.StartsWith("node_edac_correctable", StringComparison.Ordinal)));
        Assert.DoesNotContain("node_edac_channel", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_channel_without_a_label_file_is_labelled_unknown()
    {
        using var tree = new TempDirectory();
        foreach (var name in new[] { "ce_count", "ce_noinfo_count", "ue_count", "ue_noinfo_count", "csrow0/ce_count", "csrow0/ue_count", "csrow0/ch0_ce_count" })
        {
            tree.Write($"sys/devices/system/edac/mc/mc0/{name}", "0\n");
        }

        var (_, text) = CollectorHarness.Collect(new EdacCollector(CollectorHarness.Context(Paths(tree))));

        Assert.Contains("node_edac_channel_correctable_errors_total{channel=\"0\",controller=\"0\",csrow=\"0\",dimm_label=\"unknown\"} 0", CollectorHarness.Samples(text));
    }

    [Fact]
    public void No_edac_directory_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new EdacCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Theory]
    [InlineData("ce_count", "lots\n")]
    [InlineData("ue_noinfo_count", null)]
    public void A_malformed_or_missing_controller_counter_is_an_error(string file, string? content)
    {
        using var tree = new TempDirectory();
        foreach (var name in new[] { "ce_count", "ce_noinfo_count", "ue_count", "ue_noinfo_count" })
        {
            if (name != file || content is not null)
            {
                tree.Write($"sys/devices/system/edac/mc/mc0/{name}", name == file ? content! : "0\n");
            }
        }

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new EdacCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
