using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class PcideviceCollectorTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public PcideviceCollectorTests()
    {
        // A bridge on root bus 00 and a device behind it, as sysfs links them from /sys/bus/pci/devices.
        Device("pci0000:00/0000:00:02.1", "0x060400", "0xabcd", "0x1234", "0xbeef", "0x0001", "0x00",
            ("max_link_speed", "8.0 GT/s PCIe"), ("max_link_width", "8"), ("current_link_speed", "8.0 GT/s PCIe"), ("current_link_width", "4"),
            ("numa_node", "-1"), ("power_state", "D0"), ("d3cold_allowed", "1"), ("sriov_numvfs", ""));
        Device("pci0000:00/0000:00:02.1/0000:01:00.0", "0x010802", "0xabcd", "0x5678", "0xabcd", "0x0009", "0x01",
            ("max_link_speed", "16.0 GT/s PCIe"), ("max_link_width", "4"), ("current_link_speed", "Unknown"),
            ("numa_node", "1"), ("power_state", "D3hot"), ("d3cold_allowed", "0"),
            ("sriov_drivers_autoprobe", "1"), ("sriov_numvfs", "4"), ("sriov_totalvfs", "8"), ("sriov_vf_total_msix", "16"));
    }

    public void Dispose() => _tree.Dispose();

    private void Device(string devicePath, string classId, string vendor, string device, string subsystemVendor, string subsystemDevice,
        string revision, params (string File, string Value)[] attributes)
    {
        foreach (var (file, value) in (ReadOnlySpan<(string, string)>)[("class", classId), ("vendor", vendor), ("device", device),
            ("subsystem_vendor", subsystemVendor), ("subsystem_device", subsystemDevice), ("revision", revision), .. attributes])
        {
            _tree.Write($"sys/devices/{devicePath}/{file}", value + "\n");
        }

        Directory.CreateDirectory(Path.Join(_tree.Path, "sys/bus/pci/devices"));
        File.CreateSymbolicLink(Path.Join(_tree.Path, "sys/bus/pci/devices", Path.GetFileName(devicePath)), "../../../devices/" + devicePath);
    }

    private PcideviceCollector Collector(PcideviceOptions? options = null) =>
        new(CollectorHarness.Context(new NodePaths(_tree.Path, Path.Join(_tree.Path, "sys"), Path.Join(_tree.Path, "root"))), options ?? PcideviceOptions.Default);

    [Fact]
    public void Each_device_gives_its_ids_parent_link_power_and_sriov_values()
    {
        var (result, text) = CollectorHarness.Collect(Collector());

        Assert.Equal(CollectResult.Success, result);
        const string Bridge = "bus=\"00\",device=\"02\",function=\"1\",segment=\"0000\"";
        const string Nvme = "bus=\"01\",device=\"00\",function=\"0\",segment=\"0000\"";
        Assert.Equal(
            $$"""
            # HELP node_pcidevice_current_link_transfers_per_second Value of current link's transfers per second (T/s)
            # TYPE node_pcidevice_current_link_transfers_per_second gauge
            node_pcidevice_current_link_transfers_per_second{{{Bridge}}} 8e+09
            node_pcidevice_current_link_transfers_per_second{{{Nvme}}} -1
            # HELP node_pcidevice_current_link_width Value of current link's width (number of lanes)
            # TYPE node_pcidevice_current_link_width gauge
            node_pcidevice_current_link_width{{{Bridge}}} 4
            node_pcidevice_current_link_width{{{Nvme}}} -1
            # HELP node_pcidevice_d3cold_allowed Whether the PCIe device supports D3cold power state (0/1).
            # TYPE node_pcidevice_d3cold_allowed gauge
            node_pcidevice_d3cold_allowed{{{Bridge}}} 1
            node_pcidevice_d3cold_allowed{{{Nvme}}} 0
            # HELP node_pcidevice_info Non-numeric data from /sys/bus/pci/devices/<location>, value is always 1.
            # TYPE node_pcidevice_info gauge
            node_pcidevice_info{bus="00",class_id="0x060400",device="02",device_id="0x1234",function="1",parent_bus="*",parent_device="*",parent_function="*",parent_segment="*",revision="0x00",segment="0000",subsystem_device_id="0x0001",subsystem_vendor_id="0xbeef",vendor_id="0xabcd"} 1
            node_pcidevice_info{bus="01",class_id="0x010802",device="00",device_id="0x5678",function="0",parent_bus="00",parent_device="02",parent_function="1",parent_segment="0000",revision="0x01",segment="0000",subsystem_device_id="0x0009",subsystem_vendor_id="0xabcd",vendor_id="0xabcd"} 1
            # HELP node_pcidevice_max_link_transfers_per_second Value of maximum link's transfers per second (T/s)
            # TYPE node_pcidevice_max_link_transfers_per_second gauge
            node_pcidevice_max_link_transfers_per_second{{{Bridge}}} 8e+09
            node_pcidevice_max_link_transfers_per_second{{{Nvme}}} 1.6e+10
            # HELP node_pcidevice_max_link_width Value of maximum link's width (number of lanes)
            # TYPE node_pcidevice_max_link_width gauge
            node_pcidevice_max_link_width{{{Bridge}}} 8
            node_pcidevice_max_link_width{{{Nvme}}} 4
            # HELP node_pcidevice_numa_node NUMA node number for the PCI device. -1 indicates unknown or not available.
            # TYPE node_pcidevice_numa_node gauge
            node_pcidevice_numa_node{{{Nvme}}} 1
            # HELP node_pcidevice_power_state PCIe device power state, one of: D0, D1, D2, D3hot, D3cold, unknown or error.
            # TYPE node_pcidevice_power_state gauge
            node_pcidevice_power_state{{{Bridge}},state="D0"} 1
            node_pcidevice_power_state{{{Bridge}},state="D1"} 0
            node_pcidevice_power_state{{{Bridge}},state="D2"} 0
            node_pcidevice_power_state{{{Bridge}},state="D3cold"} 0
            node_pcidevice_power_state{{{Bridge}},state="D3hot"} 0
            node_pcidevice_power_state{{{Bridge}},state="error"} 0
            node_pcidevice_power_state{{{Bridge}},state="unknown"} 0
            node_pcidevice_power_state{{{Nvme}},state="D0"} 0
            node_pcidevice_power_state{{{Nvme}},state="D1"} 0
            node_pcidevice_power_state{{{Nvme}},state="D2"} 0
            node_pcidevice_power_state{{{Nvme}},state="D3cold"} 0
            node_pcidevice_power_state{{{Nvme}},state="D3hot"} 1
            node_pcidevice_power_state{{{Nvme}},state="error"} 0
            node_pcidevice_power_state{{{Nvme}},state="unknown"} 0
            # HELP node_pcidevice_sriov_drivers_autoprobe Whether SR-IOV drivers autoprobe is enabled for the device (0/1).
            # TYPE node_pcidevice_sriov_drivers_autoprobe gauge
            node_pcidevice_sriov_drivers_autoprobe{{{Bridge}}} 0
            node_pcidevice_sriov_drivers_autoprobe{{{Nvme}}} 1
            # HELP node_pcidevice_sriov_numvfs Number of Virtual Functions (VFs) currently enabled for SR-IOV.
            # TYPE node_pcidevice_sriov_numvfs gauge
            node_pcidevice_sriov_numvfs{{{Bridge}}} 0
            node_pcidevice_sriov_numvfs{{{Nvme}}} 4
            # HELP node_pcidevice_sriov_totalvfs Total number of Virtual Functions (VFs) supported by the device.
            # TYPE node_pcidevice_sriov_totalvfs gauge
            node_pcidevice_sriov_totalvfs{{{Bridge}}} 0
            node_pcidevice_sriov_totalvfs{{{Nvme}}} 8
            # HELP node_pcidevice_sriov_vf_total_msix Total number of MSI-X vectors for Virtual Functions.
            # TYPE node_pcidevice_sriov_vf_total_msix gauge
            node_pcidevice_sriov_vf_total_msix{{{Bridge}}} 0
            node_pcidevice_sriov_vf_total_msix{{{Nvme}}} 16

            """, text);
    }

    [Fact]
    public void With_names_the_info_series_carries_the_pci_ids_names()
    {
        var ids = _tree.Write("ids/pci.ids",
            "abcd  Example Silicon\n\t1234  Widget Bridge\n\t\tbeef 0001  Widget Bridge (OEM board)\nbeef  OEM Systems\nC 06  Bridge\n\t04  Bus bridge\n");

        var (_, text) = CollectorHarness.Collect(Collector(new PcideviceOptions(true, ids)));

        Assert.Equal(
            [
                "node_pcidevice_info{bus=\"00\",class_id=\"0x060400\",class_name=\"Bus bridge\",device=\"02\",device_id=\"0x1234\",device_name=\"Widget Bridge\",function=\"1\",parent_bus=\"*\",parent_device=\"*\",parent_function=\"*\",parent_segment=\"*\",revision=\"0x00\",segment=\"0000\",subsystem_device_id=\"0x0001\",subsystem_device_name=\"Widget Bridge (OEM board)\",subsystem_vendor_id=\"0xbeef\",subsystem_vendor_name=\"OEM Systems\",vendor_id=\"0xabcd\",vendor_name=\"Example Silicon\"} 1",
                "node_pcidevice_info{bus=\"01\",class_id=\"0x010802\",class_name=\"Unknown class (010802)\",device=\"00\",device_id=\"0x5678\",device_name=\"5678\",function=\"0\",parent_bus=\"00\",parent_device=\"02\",parent_function=\"1\",parent_segment=\"0000\",revision=\"0x01\",segment=\"0000\",subsystem_device_id=\"0x0009\",subsystem_device_name=\"0009\",subsystem_vendor_id=\"0xabcd\",subsystem_vendor_name=\"Example Silicon\",vendor_id=\"0xabcd\",vendor_name=\"Example Silicon\"} 1",
            ],
            CollectorHarness.Samples(text).Where(s => s.StartsWith("node_pcidevice_info", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_a_database_the_default_places_under_the_host_root_are_tried_and_names_fall_back_to_ids()
    {
        _tree.Write("root/usr/share/hwdata/pci.ids", "abcd  Host Vendor\n");
        var (_, text) = CollectorHarness.Collect(Collector(new PcideviceOptions(true, null)));
        Assert.Contains("vendor_name=\"Host Vendor\"", text, StringComparison.Ordinal);

        var (_, missing) = CollectorHarness.Collect(Collector(new PcideviceOptions(true, Path.Join(_tree.Path, "absent.ids"))));
        Assert.Contains("class_name=\"Unknown class (060400)\",device=\"02\",device_id=\"0x1234\",device_name=\"1234\"", missing, StringComparison.Ordinal);
    }

    [Fact]
    public void It_is_off_by_default_and_a_host_without_a_pci_bus_is_no_data()
    {
        Assert.False(PcideviceCollector.Descriptor.EnabledByDefault);
        using var empty = new TempDirectory();
        Assert.Equal((CollectResult.NoData, ""), CollectorHarness.Collect(new PcideviceCollector(CollectorHarness.Context(new NodePaths(empty.Path, empty.Path, empty.Path)))));
    }

    [Fact]
    public void A_device_without_its_ids_or_with_a_malformed_value_is_an_error_naming_the_file()
    {
        File.Delete(Path.Join(_tree.Path, "sys/devices/pci0000:00/0000:00:02.1/vendor"));
        Assert.Contains("vendor", Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(Collector())).Message, StringComparison.Ordinal);

        _tree.Write("sys/devices/pci0000:00/0000:00:02.1/vendor", "0xabcd\n");
        _tree.Write("sys/devices/pci0000:00/0000:00:02.1/max_link_width", "wide\n");
        Assert.Contains("max_link_width", Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(Collector())).Message, StringComparison.Ordinal);
    }
}
