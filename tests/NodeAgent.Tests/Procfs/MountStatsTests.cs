using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class MountStatsTests
{
    private const string Nfs4 =
        """
        device rootfs mounted on / with fstype rootfs
        device fs1:/export mounted on /mnt/a with fstype nfs4 statvers=1.1
        	opts:	rw,vers=4.2,rsize=1048576,proto=tcp
        	age:	500
        	caps:	caps=0x3ffbffff,wtmult=512
        	events:	1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27
        	bytes:	100 200 300 400 500 600 700 800
        	RPC iostats version: 1.1  p/v: 100003/4 (nfs)
        	xprt:	tcp 700 1 2 3 4 5 6 7 8 9 10 11 12
        	per-op statistics
        	        NULL: 1 1 0 44 24 0 0 0 0
        	        READ: 10 11 12 13 14 15 16 17 18

        device sysfs mounted on /sys with fstype sysfs

        """;

    [Fact]
    public void Nfs_mounts_carry_their_statistics_and_others_none()
    {
        Assert.True(MountStats.TryParse(Encoding.UTF8.GetBytes(Nfs4), out var mounts, out var problem), problem);

        Assert.Equal(["/", "/mnt/a", "/sys"], mounts.Select(m => m.MountPoint));
        Assert.Null(mounts[0].Nfs);
        Assert.Null(mounts[2].Nfs);
        var nfs = mounts[1].Nfs!;
        Assert.Equal(("fs1:/export", "nfs4", "1.1", 500.0), (mounts[1].Device, mounts[1].FsType, nfs.StatVersion, nfs.AgeSeconds));
        Assert.Equal([100UL, 200, 300, 400, 500, 600, 700, 800], nfs.Bytes);
        Assert.Equal(Enumerable.Range(1, 27).Select(i => (ulong)i), nfs.Events);
        var transport = Assert.Single(nfs.Transports);
        Assert.Equal("tcp", transport.Protocol);
        Assert.Equal([700UL, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], transport.Values);
        Assert.Equal(["NULL", "READ"], nfs.Operations.Select(o => o.Operation));
        Assert.Equal([10UL, 11, 12, 13, 14, 15, 16, 17, 18], nfs.Operations[1].Values);
    }

    [Theory]
    [InlineData("1.1", "udp 832 0 6428 6428 0 12154 0 24 26 5726", new ulong[] { 832, 0, 0, 0, 0, 6428, 6428, 0, 12154, 0, 24, 26, 5726 })]
    [InlineData("1.0", "udp 832 1 2 3 4 5 6", new ulong[] { 832, 1, 0, 0, 0, 2, 3, 4, 5, 6, 0, 0, 0 })]
    [InlineData("1.0", "tcp 832 1 2 3 4 5 6 7 8 9", new ulong[] { 832, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0 })]
    [InlineData("1.1", "rdma 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19", new ulong[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0 })]
    public void Each_transport_is_laid_out_as_procfs_lays_it_out(string version, string xprt, ulong[] expected)
    {
        var content = $"device s:/e mounted on /m with fstype nfs statvers={version}\n\txprt:\t{xprt}\n\tper-op statistics\n\n";

        Assert.True(MountStats.TryParse(Encoding.UTF8.GetBytes(content), out var mounts, out var problem), problem);
        Assert.Equal(expected, Assert.Single(mounts[0].Nfs!.Transports).Values);
    }

    [Theory]
    [InlineData("device s:/e mounted on /m with\n")]
    [InlineData("device s:/e mounted at /m with fstype nfs\n")]
    [InlineData("device s:/e mounted on /m with fstype ext4 statvers=1.1\n")]
    [InlineData("device s:/e mounted on /m with fstype nfs statvers=1.1\n\tbytes:\t1 2 3\n")]
    [InlineData("device s:/e mounted on /m with fstype nfs statvers=1.1\n\tevents:\t1 2 3\n")]
    [InlineData("device s:/e mounted on /m with fstype nfs statvers=1.1\n\txprt:\ttcp 1 2 3\n")]
    [InlineData("device s:/e mounted on /m with fstype nfs statvers=1.1\n\txprt:\tvsock 1 2 3 4 5 6 7 8 9 10 11 12 13\n")]
    [InlineData("device s:/e mounted on /m with fstype nfs statvers=2.0\n\txprt:\ttcp 1 2 3 4 5 6 7 8 9 10 11 12 13\n")]
    [InlineData("device s:/e mounted on /m with fstype nfs statvers=1.1\n\tper-op statistics\n\tREAD: 1 2 3\n")]
    [InlineData("device s:/e mounted on /m with fstype nfs statvers=1.1\n\tper-op statistics\n\tREAD: 1 2 3 4 5 6 7 x\n")]
    public void Malformed_statistics_fail_the_file(string content) =>
        Assert.False(MountStats.TryParse(Encoding.UTF8.GetBytes(content), out _, out _));
}
