using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class PciDeviceValuesTests
{
    [Fact]
    public void A_location_is_segment_bus_device_and_function_in_hex()
    {
        Assert.True(PciLocation.TryParse("0000:45:1f.3", out var location));
        Assert.Equal(new PciLocation(0, 0x45, 0x1f, 3), location);
        Assert.Equal(["0000", "45", "1f", "3"], location.Labels());
        Assert.False(PciLocation.TryParse("pci0000:00", out _));
        Assert.False(PciLocation.TryParse("0000:45:1f", out _));
        Assert.False(PciLocation.TryParse("0000:45:zz.0", out _));
    }

    [Theory]
    [InlineData("8.0 GT/s PCIe", 8.0)]
    [InlineData("2.5 GT/s PCIe", 2.5)]
    [InlineData("16 GT/s", 16.0)]
    public void A_link_speed_is_in_gigatransfers(string text, double expected)
    {
        Assert.True(PciDeviceValues.TryParseLinkSpeed(text, out var speed));
        Assert.Equal(expected, speed);
    }

    [Theory]
    [InlineData("8.0 Gb/s")]
    [InlineData("fast GT/s PCIe")]
    [InlineData("8.0")]
    public void Another_link_speed_form_is_refused(string text) =>
        Assert.False(PciDeviceValues.TryParseLinkSpeed(text, out _));

    [Theory]
    [InlineData("0x060400", 0x060400u)]
    [InlineData("0x8086", 0x8086u)]
    [InlineData("17", 17u)]
    public void Ids_take_go_base_prefixes(string text, uint expected)
    {
        Assert.True(PciDeviceValues.TryParseId(text, out var value));
        Assert.Equal(expected, value);
    }
}
