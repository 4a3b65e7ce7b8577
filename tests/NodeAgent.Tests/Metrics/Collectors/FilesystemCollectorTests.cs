using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class FilesystemCollectorTests
{
    private static readonly string FixtureRoot = CollectorHarness.FixtureNode.Root;

    // The fixture node's statfs: "/" like this machine's root, EACCES for the FUSE portal, small numbers elsewhere.
    private static StatfsResult FixtureStatfs(string path) => path[FixtureRoot.Length..] switch
    {
        "/" => new StatfsResult(0, 66053020, 4096, 62439041, 59063620, 16777216, 16353657),
        "/run/user/1000/doc" => StatfsResult.Failed(13),
        _ => new StatfsResult(0, 1000, 4096, 500, 400, 100, 50),
    };

    private static (CollectResult Result, IReadOnlyList<string> Samples, string Text) Fixture(FilesystemOptions? options = null)
    {
        var (result, text) = CollectorHarness.Collect(new FilesystemCollector(CollectorHarness.Context(), options ?? FilesystemOptions.Default, FixtureStatfs));
        return (result, CollectorHarness.Samples(text), text);
    }

    [Fact]
    public void Root_filesystem_gives_every_family_from_statfs()
    {
        var (result, samples, text) = Fixture();

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            node_filesystem_avail_bytes{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 2.4192458752e+11
            node_filesystem_device_error{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 0
            node_filesystem_files{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 1.6777216e+07
            node_filesystem_files_free{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 1.6353657e+07
            node_filesystem_free_bytes{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 2.55750311936e+11
            node_filesystem_mount_info{device="/dev/vda",major="254",minor="0",mountpoint="/"} 1
            node_filesystem_purgeable_bytes{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 0
            node_filesystem_readonly{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 0
            node_filesystem_size_bytes{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 2.7055316992e+11
            """.Split('\n'),
            samples.Where(l => l.Contains("device=\"/dev/vda\"", StringComparison.Ordinal)));
        Assert.All(CollectorHarness.Types(text), t => Assert.Equal("gauge", t.Value));
        Assert.Equal(9, CollectorHarness.Types(text).Count);
    }

    [Fact]
    public void Default_excludes_drop_virtual_filesystems_docker_layers_and_credentials()
    {
        var (_, samples, _) = Fixture();

        Assert.Equal(
            """
            node_filesystem_device_error{device="/dev/mapper/vg0-root",device_error="",fstype="xfs",mountpoint="/data"} 0
            node_filesystem_device_error{device="/dev/md2",device_error="",fstype="xfs",mountpoint="/scratch"} 0
            node_filesystem_device_error{device="/dev/sda1",device_error="",fstype="ext4",mountpoint="/boot"} 0
            node_filesystem_device_error{device="/dev/sda2",device_error="",fstype="ext4",mountpoint="/media/backup disk"} 0
            node_filesystem_device_error{device="/dev/sda3",device_error="",fstype="ext4",mountpoint="/var/log"} 0
            node_filesystem_device_error{device="/dev/sdb",device_error="",fstype="btrfs",mountpoint="/srv/btrfs"} 0
            node_filesystem_device_error{device="/dev/vda",device_error="",fstype="ext4",mountpoint="/"} 0
            node_filesystem_device_error{device="fileserver:/export/home",device_error="",fstype="nfs4",mountpoint="/mnt/nfs"} 0
            node_filesystem_device_error{device="portal",device_error="permission denied",fstype="fuse.portal",mountpoint="/run/user/1000/doc"} 1
            node_filesystem_device_error{device="tmpfs",device_error="",fstype="tmpfs",mountpoint="/mnt/readonly"} 0
            node_filesystem_device_error{device="tmpfs",device_error="",fstype="tmpfs",mountpoint="/run"} 0
            node_filesystem_device_error{device="tmpfs",device_error="",fstype="tmpfs",mountpoint="/run/lock"} 0
            node_filesystem_device_error{device="tmpfs",device_error="",fstype="tmpfs",mountpoint="/run/snapd/ns"} 0
            node_filesystem_device_error{device="tmpfs",device_error="",fstype="tmpfs",mountpoint="/run/user/1000"} 0
            """.Split('\n'),
            samples.Where(l => l.StartsWith("node_filesystem_device_error", StringComparison.Ordinal)));
    }

    [Fact]
    public void Read_only_comes_from_mount_or_superblock_options_including_ext4_emergency_ro()
    {
        var (_, samples, _) = Fixture();

        // /media/backup disk: ro mount; /srv/btrfs: ro superblock; /var/log: emergency_ro; /mnt/readonly: ro both.
        // The failed portal keeps its option-derived value; errors=remount-ro and proto=tcp are not "ro".
        Assert.Equal(
            [
                "/media/backup disk",
                "/var/log",
                "/srv/btrfs",
                "/mnt/readonly",
            ],
            samples.Where(l => l.StartsWith("node_filesystem_readonly", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal))
                .Select(l => Regex.Match(l, "mountpoint=\"([^\"]+)\"").Groups[1].Value));
    }

    [Fact]
    public void A_failed_statfs_reports_only_device_error_and_readonly()
    {
        var (_, samples, _) = Fixture();

        Assert.Equal(
            [
                "node_filesystem_device_error{device=\"portal\",device_error=\"permission denied\",fstype=\"fuse.portal\",mountpoint=\"/run/user/1000/doc\"} 1",
                "node_filesystem_readonly{device=\"portal\",device_error=\"permission denied\",fstype=\"fuse.portal\",mountpoint=\"/run/user/1000/doc\"} 0",
            ],
            samples.Where(l => l.Contains("/run/user/1000/doc", StringComparison.Ordinal)));
    }

    [Fact]
    public void Duplicate_mounts_are_reported_once_and_stacked_mounts_keep_both_mount_infos()
    {
        var (_, samples, _) = Fixture();

        Assert.Single(samples, l => l.StartsWith("node_filesystem_size_bytes{device=\"/dev/sda1\"", StringComparison.Ordinal));
        Assert.Single(samples, l => l.StartsWith("node_filesystem_size_bytes", StringComparison.Ordinal) && l.Contains("\"/run/snapd/ns\"", StringComparison.Ordinal));
        Assert.Equal(
            [
                "node_filesystem_mount_info{device=\"tmpfs\",major=\"0\",minor=\"52\",mountpoint=\"/run/snapd/ns\"} 1",
                "node_filesystem_mount_info{device=\"tmpfs\",major=\"0\",minor=\"53\",mountpoint=\"/run/snapd/ns\"} 1",
            ],
            samples.Where(l => l.StartsWith("node_filesystem_mount_info", StringComparison.Ordinal) && l.Contains("snapd", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_excludes_every_mount_is_reported_and_includes_select()
    {
        var all = Fixture(FilesystemOptions.Default with { MountPointsExclude = null, FsTypesExclude = null }).Samples;
        var selected = Fixture(FilesystemOptions.Default with { MountPointsExclude = null, MountPointsInclude = new Regex("^/(data|scratch)$") }).Samples;
        var xfsOnly = Fixture(FilesystemOptions.Default with { FsTypesExclude = null, FsTypesInclude = new Regex("^xfs$") }).Samples;

        // 36 mounts less the repeated /boot and the stacked /run/snapd/ns, /dev/pts and /dev/shm.
        Assert.Equal(32, all.Count(l => l.StartsWith("node_filesystem_device_error", StringComparison.Ordinal)));
        Assert.Contains(all, l => l.Contains("mountpoint=\"/proc\"", StringComparison.Ordinal));
        Assert.Contains(all, l => l.Contains("mountpoint=\"/var/lib/docker/overlay2/4f2e/merged\"", StringComparison.Ordinal));
        Assert.Equal(2, selected.Count(l => l.StartsWith("node_filesystem_device_error", StringComparison.Ordinal)));
        Assert.Equal(selected.Where(l => l.StartsWith("node_filesystem_device_error", StringComparison.Ordinal)),
            xfsOnly.Where(l => l.StartsWith("node_filesystem_device_error", StringComparison.Ordinal)));
    }

    [Fact]
    public void Hung_mount_answers_within_the_timeout_is_not_asked_again_while_blocked_and_comes_back()
    {
        using var node = new TempDirectory();
        node.Write("proc/1/mountinfo", "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:40 / /mnt/nfs rw - nfs4 server:/x rw\n");
        var paths = Paths(node);
        var nfs = paths.Root + "/mnt/nfs";
        using var hang = new ManualResetEventSlim(false);
        var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        StatfsResult Statfs(string path)
        {
            calls.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (path == nfs)
            {
                hang.Wait();
            }

            return new StatfsResult(0, 10, 4096, 5, 4, 3, 2);
        }

        // One worker: the hung call must not keep the next mount from being asked.
        var options = FilesystemOptions.Default with { MountTimeout = TimeSpan.FromMilliseconds(300), StatWorkers = 1 };
        var collector = new FilesystemCollector(CollectorHarness.Context(paths), options, Statfs);
        const string timedOut = "node_filesystem_device_error{device=\"server:/x\",device_error=\"mountpoint timeout\",fstype=\"nfs4\",mountpoint=\"/mnt/nfs\"} 1";

        var clock = Stopwatch.StartNew();
        var first = CollectorHarness.Samples(CollectorHarness.Collect(collector).Text);
        var firstTook = clock.Elapsed;

        Assert.InRange(firstTook, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Contains(timedOut, first);
        Assert.Contains("node_filesystem_readonly{device=\"server:/x\",device_error=\"mountpoint timeout\",fstype=\"nfs4\",mountpoint=\"/mnt/nfs\"} 0", first);
        Assert.DoesNotContain(first, l => l.Contains("/mnt/nfs", StringComparison.Ordinal) && l.StartsWith("node_filesystem_size_bytes", StringComparison.Ordinal));
        Assert.Contains("node_filesystem_size_bytes{device=\"/dev/sda1\",device_error=\"\",fstype=\"ext4\",mountpoint=\"/\"} 40960", first);

        var second = CollectorHarness.Samples(CollectorHarness.Collect(collector).Text);

        Assert.Contains(timedOut, second);
        Assert.Equal(1, calls[nfs]);
        Assert.Equal(2, calls[paths.Root + "/"]);
        Assert.Equal(1, collector.PendingCalls);

        hang.Set();
        Assert.True(SpinWait.SpinUntil(() => collector.PendingCalls == 0, TimeSpan.FromSeconds(5)));
        var third = CollectorHarness.Samples(CollectorHarness.Collect(collector).Text);

        Assert.Equal(2, calls[nfs]);
        Assert.DoesNotContain(timedOut, third);
        Assert.Contains("node_filesystem_size_bytes{device=\"server:/x\",device_error=\"\",fstype=\"nfs4\",mountpoint=\"/mnt/nfs\"} 40960", third);
    }

    [Fact]
    public void Mount_points_seen_under_the_host_root_are_reported_as_host_paths()
    {
        using var node = new TempDirectory();
        var paths = Paths(node);
        node.Write("proc/1/mountinfo", $"1 0 8:1 / {paths.Root} rw - ext4 /dev/sda1 rw\n2 1 8:2 / {paths.Root}/data rw - xfs /dev/sda2 rw\n");
        var asked = new ConcurrentBag<string>();

        var (_, text) = CollectorHarness.Collect(new FilesystemCollector(CollectorHarness.Context(paths), FilesystemOptions.Default,
            p => { asked.Add(p); return new StatfsResult(0, 1, 1, 1, 1, 1, 1); }));

        Assert.Equal(["/", "/data"], CollectorHarness.Samples(text).Where(l => l.StartsWith("node_filesystem_mount_info", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, "mountpoint=\"([^\"]+)\"").Groups[1].Value));
        Assert.Equal([paths.Root + "/", paths.Root + "/data"], asked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_pid_1s_table_the_own_table_is_read()
    {
        using var node = new TempDirectory();
        node.Write("proc/self/mountinfo", "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n");

        var (result, text) = CollectorHarness.Collect(new FilesystemCollector(CollectorHarness.Context(Paths(node)), FilesystemOptions.Default,
            _ => new StatfsResult(0, 1, 1, 1, 1, 1, 1)));

        Assert.Equal(CollectResult.Success, result);
        Assert.Contains("node_filesystem_mount_info{device=\"/dev/sda1\",major=\"8\",minor=\"1\",mountpoint=\"/\"} 1", CollectorHarness.Samples(text));
    }

    [Fact]
    public void No_mount_table_is_no_data()
    {
        using var node = new TempDirectory();

        var (result, text) = CollectorHarness.Collect(new FilesystemCollector(CollectorHarness.Context(Paths(node))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Empty(text);
    }

    [Fact]
    public void A_malformed_mount_table_is_an_error()
    {
        using var node = new TempDirectory();
        node.Write("proc/1/mountinfo", "1 0 8:1 / / rw ext4 /dev/sda1 rw\n");

        var e = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new FilesystemCollector(CollectorHarness.Context(Paths(node)))));

        Assert.Contains("malformed mount point information", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_statfs_answers_for_a_directory_and_fails_with_go_error_text()
    {
        using var dir = new TempDirectory();

        var ok = Statfs.Call(dir.Path);
        var missing = Statfs.Call(Path.Combine(dir.Path, "missing"));

        Assert.Equal(0, ok.Errno);
        Assert.True(ok.Blocks > 0 && ok.BlockSize > 0 && ok.BlocksFree <= ok.Blocks);
        Assert.Equal("no such file or directory", Statfs.ErrorText(missing.Errno));
    }

    [Theory]
    [InlineData(13, "permission denied")]
    [InlineData(107, "transport endpoint is not connected")]
    [InlineData(116, "stale file handle")]
    [InlineData(5, "input/output error")]
    [InlineData(28, "no space left on device")]
    public void Errno_text_is_gos(int errno, string text) => Assert.Equal(text, Statfs.ErrorText(errno));

    private static NodePaths Paths(TempDirectory node) =>
        new(Path.Combine(node.Path, "proc"), Path.Combine(node.Path, "sys"), Path.Combine(node.Path, "root"));
}
