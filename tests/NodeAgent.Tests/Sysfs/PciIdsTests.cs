using System.Text;
using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class PciIdsTests
{
    // Made-up names in pci.ids' layout: vendors with devices and subsystems, then classes with subclasses and
    // programming interfaces, as the real file orders them.
    private static readonly PciIds Ids = PciIds.Parse(Encoding.UTF8.GetBytes(
        """
        # comment
        abcd  Example Silicon
        	1234  Widget Bridge
        		beef 0001  Widget Bridge (OEM board)
        	5678  Widget Storage
        beef  OEM Systems

        C 01  Storage controller
        	08  Memory storage controller
        		02  Express storage
        C 06  Bridge
        	04  Bus bridge

        """));

    [Fact]
    public void Names_are_looked_up_by_lower_case_ids_without_0x()
    {
        Assert.Equal("Example Silicon", Ids.VendorName("0xabcd"));
        Assert.Equal("OEM Systems", Ids.VendorName("0xBEEF"));
        Assert.Equal("Widget Storage", Ids.DeviceName("0xabcd", "0x5678"));
        Assert.Equal("Widget Bridge (OEM board)", Ids.SubsystemName("0xabcd", "0x1234", "0xbeef", "0x0001"));
    }

    [Fact]
    public void A_class_takes_its_most_specific_name()
    {
        Assert.Equal("Express storage", Ids.ClassName("0x010802"));
        Assert.Equal("Memory storage controller", Ids.ClassName("0x010801"));
        Assert.Equal("Bus bridge", Ids.ClassName("0x060400"));
        Assert.Equal("Bridge", Ids.ClassName("0x068000"));
        Assert.Equal("Unknown class (ff0000)", Ids.ClassName("0xff0000"));
    }

    [Fact]
    public void An_unknown_id_is_its_own_name_without_0x()
    {
        Assert.Equal("1af4", Ids.VendorName("0x1AF4"));
        Assert.Equal("1041", Ids.DeviceName("0xabcd", "0x1041"));
        Assert.Equal("0002", Ids.SubsystemName("0xabcd", "0x1234", "0xbeef", "0x0002"));
        Assert.Equal("1234", PciIds.Empty.DeviceName("0xabcd", "0x1234"));
    }
}
