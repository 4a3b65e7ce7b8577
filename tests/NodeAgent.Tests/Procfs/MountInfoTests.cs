using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class MountInfoTests
{
    [Fact]
    public void Captured_table_gives_source_type_and_both_option_lists()
    {
        Assert.True(MountInfo.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "1", "mountinfo")), out var mounts, out _));

        Assert.Equal(36, mounts.Count);
        var root = Assert.Single(mounts, m => m.MountPoint == "/");
        Assert.Equal(new MountInfo(254, 0, "/", "rw,relatime", "ext4", "/dev/vda", "rw,discard,resv_strict,resuid=65534,resgid=65534"), root);
        var log = Assert.Single(mounts, m => m.MountPoint == "/var/log");
        Assert.Equal("rw,emergency_ro,errors=remount-ro", log.SuperOptions);
        // Escapes are kept as the kernel wrote them; the collector decides what to unescape.
        Assert.Contains(mounts, m => m.MountPoint == @"/media/backup\040disk");
    }

    [Fact]
    public void Optional_fields_of_any_number_come_before_the_separator()
    {
        var line = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 unbindable - ext3 /dev/root rw,errors=continue\n"u8;

        Assert.True(MountInfo.TryParse(line, out var mounts, out _));

        Assert.Equal(new MountInfo(98, 0, "/mnt2", "rw,noatime", "ext3", "/dev/root", "rw,errors=continue"), Assert.Single(mounts));
    }

    [Fact]
    public void A_dash_inside_a_field_is_not_the_separator()
    {
        Assert.True(MountInfo.TryParse("40 26 0:40 / /var/lib/kubelet/pods/a-b rw - tmpfs tmpfs-x rw\n"u8, out var mounts, out _));

        Assert.Equal("/var/lib/kubelet/pods/a-b", mounts[0].MountPoint);
        Assert.Equal("tmpfs-x", mounts[0].Source);
    }

    [Theory]
    [InlineData("21 26 0:20 / /proc rw,relatime proc proc rw")]
    [InlineData("21 26 0:20 / /proc rw,relatime - proc")]
    [InlineData("x 26 0:20 / /proc rw,relatime - proc proc rw")]
    [InlineData("21 26 020 / /proc rw,relatime - proc proc rw")]
    [InlineData("21 26 0:2a / /proc rw,relatime - proc proc rw")]
    public void Malformed_lines_reject_the_table(string line)
    {
        Assert.False(MountInfo.TryParse(Encoding.ASCII.GetBytes(line + "\n"), out _, out var badLine));

        Assert.Equal(line, badLine);
    }

    [Theory]
    [InlineData("ro,relatime", "ro", true)]
    [InlineData("rw,relatime,ro", "ro", true)]
    [InlineData("rw,errors=remount-ro", "ro", false)]
    [InlineData("rw,proto=tcp", "ro", false)]
    [InlineData("", "ro", false)]
    public void Options_match_whole_entries_only(string options, string option, bool expected) =>
        Assert.Equal(expected, MountInfo.HasOption(options, option));
}
