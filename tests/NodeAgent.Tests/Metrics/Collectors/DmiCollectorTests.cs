using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class DmiCollectorTests
{
    [Fact]
    public void Info_carries_every_attribute_including_empty_ones_and_renames_sys_vendor()
    {
        var (result, text) = CollectorHarness.Collect(new DmiCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_dmi_info A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, product_sku, product_uuid, product_version, system_vendor if provided by DMI.
            # TYPE node_dmi_info gauge
            node_dmi_info{bios_date="04/12/2021",bios_release="2.2",bios_vendor="Dell Inc.",bios_version="2.2.4",board_asset_tag="",board_name="07PXPY",board_serial=".7N62AI2.GRTCL6944100GP.",board_vendor="Dell Inc.",board_version="A01",chassis_asset_tag="",chassis_serial="7N62AI2",chassis_vendor="Dell Inc.",chassis_version="",product_family="PowerEdge",product_name="PowerEdge R6515",product_serial="7N62AI2",product_sku="SKU=NotProvided;ModelName=PowerEdge R6515",product_uuid="83340ca8-cb49-4474-8c29-d2088ca84dd9",product_version="Not Specified",system_vendor="Dell Inc."} 1

            """, text);
    }

    [Fact]
    public void Entries_that_are_not_regular_files_are_left_out_and_the_values_are_read_once()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/dmi/id/sys_vendor", "QEMU\n");
        tree.Write("sys/class/dmi/id/product_name", "Standard PC (Q35 + ICH9, 2009)\n");
        Directory.CreateDirectory(Path.Combine(tree.Path, "sys/class/dmi/id/product_serial"));
        var collector = new DmiCollector(CollectorHarness.Context(Paths(tree)));

        var first = CollectorHarness.Samples(CollectorHarness.Collect(collector).Text);
        tree.Write("sys/class/dmi/id/sys_vendor", "changed\n");
        var second = CollectorHarness.Samples(CollectorHarness.Collect(collector).Text);

        Assert.Equal(["node_dmi_info{product_name=\"Standard PC (Q35 + ICH9, 2009)\",system_vendor=\"QEMU\"} 1"], first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void No_dmi_directory_is_no_data()
    {
        using var tree = new TempDirectory();
        var (result, text) = CollectorHarness.Collect(new DmiCollector(CollectorHarness.Context(Paths(tree))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Empty(text);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
