using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class InterruptsTests
{
    [Fact]
    public void Numbered_lines_split_info_from_devices_and_named_lines_keep_one_info()
    {
        var interrupts = Interrupts.Parse(
            "           CPU0       CPU1       CPU2       CPU3\n"u8
            + " 16:     328511     322879     293782     351412  IR-IO-APIC-fasteoi   ehci_hcd:usb1, mmc0\n"u8
            + " 40:          0          0          0          0  DMAR_MSI-edge\n"u8
            + "NMI:         47       5031       6211       4968   Non-maskable interrupts\n"u8
            + "ERR:          0\n"u8
            + "MIS:          0\n"u8,
            out var cpus);

        Assert.Equal(4, cpus);
        Assert.Equal(3, interrupts.Count);
        Assert.Equal(("16", "IR-IO-APIC-fasteoi", "ehci_hcd:usb1, mmc0"), (interrupts[0].Name, interrupts[0].Info, interrupts[0].Devices));
        Assert.Equal([328511, 322879, 293782, 351412], interrupts[0].Counts);
        Assert.Equal(("40", "DMAR_MSI-edge", ""), (interrupts[1].Name, interrupts[1].Info, interrupts[1].Devices));
        Assert.Equal(("NMI", "Non-maskable interrupts", ""), (interrupts[2].Name, interrupts[2].Info, interrupts[2].Devices));
    }

    [Fact]
    public void Arm64_names_may_touch_their_counts_and_a_repeated_name_keeps_its_last_line()
    {
        var interrupts = Interrupts.Parse(
            "           CPU0       CPU1\n"u8
            + "IPI0:2  3       Rescheduling interrupts\n"u8
            + " 11:         19         27     GICv3  27 Level     arch_timer\n"u8
            + "IPI0:5  6       Rescheduling interrupts\n"u8,
            out _);

        Assert.Equal(2, interrupts.Count);
        Assert.Equal(("IPI0", "Rescheduling interrupts"), (interrupts[0].Name, interrupts[0].Info));
        Assert.Equal([5, 6], interrupts[0].Counts);
        Assert.Equal(("11", "GICv3", "27 Level arch_timer"), (interrupts[1].Name, interrupts[1].Info, interrupts[1].Devices));
    }

    [Fact]
    public void An_empty_file_is_an_error() =>
        Assert.Throws<InvalidDataException>(() => Interrupts.Parse(""u8, out _));
}
