using System.Globalization;
using System.Text.RegularExpressions;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's <c>--collector.filesystem.*</c> flags with 1.12's defaults. As in node_exporter 1.9+, an include
/// given alone replaces the default exclude (<see cref="CollectorOption.Replaces"/>). <see cref="MountTimeout"/> is
/// <c>mount-timeout</c> (5s), <see cref="StatWorkers"/> <c>stat-workers</c> (4, values below 1 mean 1).
/// </summary>
internal sealed partial record FilesystemOptions(
    Regex? MountPointsExclude,
    Regex? MountPointsInclude,
    Regex? FsTypesExclude,
    Regex? FsTypesInclude,
    TimeSpan MountTimeout,
    int StatWorkers)
{
    public static readonly CollectorOption<Regex?> MountPointsExcludeOption = CollectorOptions.Regex(
        "Metrics:FilesystemMountPointsExclude", DefaultMountPointsExclude(),
        "mount points the filesystem collector skips",
        defaultText: CollectorOptions.NodeExporterDefault);

    public static readonly CollectorOption<Regex?> MountPointsIncludeOption = CollectorOptions.Regex(
        "Metrics:FilesystemMountPointsInclude", null,
        "if set, the only mount points the filesystem collector reports (replaces the default exclude)",
        replaces: MountPointsExcludeOption);

    public static readonly CollectorOption<Regex?> FsTypesExcludeOption = CollectorOptions.Regex(
        "Metrics:FilesystemFsTypesExclude", DefaultFsTypesExclude(),
        "filesystem types the filesystem collector skips",
        defaultText: CollectorOptions.NodeExporterDefault);

    public static readonly CollectorOption<Regex?> FsTypesIncludeOption = CollectorOptions.Regex(
        "Metrics:FilesystemFsTypesInclude", null,
        "if set, the only filesystem types the filesystem collector reports (replaces the default exclude)",
        replaces: FsTypesExcludeOption);

    public static readonly CollectorOption<TimeSpan> MountTimeoutOption = new("Metrics:FilesystemMountTimeout", CollectorOptionKind.Duration,
        TimeSpan.FromSeconds(5),
        "a mount whose statfs takes longer is reported with `device_error=\"mountpoint timeout\"` and not asked again until it answers");

    public static readonly CollectorOption<int> StatWorkersOption = new("Metrics:FilesystemStatWorkers", CollectorOptionKind.Count, 4,
        "most statfs calls of one scrape in flight at once (below 1 means 1)");

    public static IReadOnlyList<CollectorOption> Options { get; } =
        [MountPointsExcludeOption, MountPointsIncludeOption, FsTypesExcludeOption, FsTypesIncludeOption, MountTimeoutOption, StatWorkersOption];

    public static FilesystemOptions Default { get; } = From(CollectorSettings.Defaults);

    public static FilesystemOptions From(CollectorSettings settings) => new(
        settings.Get(MountPointsExcludeOption),
        settings.Get(MountPointsIncludeOption),
        settings.Get(FsTypesExcludeOption),
        settings.Get(FsTypesIncludeOption),
        settings.Get(MountTimeoutOption),
        settings.Get(StatWorkersOption));

    [GeneratedRegex(@"^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultMountPointsExclude();

    // erofs joined the list in 1.10.0 (#3313).
    [GeneratedRegex("^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultFsTypesExclude();

    public bool Ignores(string mountPoint, string fsType) =>
        Ignored(MountPointsExclude, MountPointsInclude, mountPoint) || Ignored(FsTypesExclude, FsTypesInclude, fsType);

    private static bool Ignored(Regex? exclude, Regex? include, string value) =>
        (exclude is not null && exclude.IsMatch(value)) || (include is not null && !include.IsMatch(value));
}

/// <summary>
/// node_exporter's filesystem collector (collector/filesystem_linux.go, 1.12): the mount table of the host's PID 1,
/// statfs(2) through the host root, one set of gauges per mount. A statfs that does not return within the mount
/// timeout marks its mount point <c>device_error="mountpoint timeout"</c>, in this scrape already (node_exporter
/// waits it out once), and the mount point is not asked again until that call returns (<see cref="StatfsScheduler"/>):
/// a hung NFS server costs one blocked thread, never one per scrape.
/// </summary>
internal sealed class FilesystemCollector(CollectorContext context, FilesystemOptions options, Func<string, StatfsResult> statfs) : INodeCollector
{
    private const string TimeoutError = "mountpoint timeout";

    private readonly StatfsScheduler _statfs = new(statfs, options.MountTimeout, options.StatWorkers, context.Time,
        context.Logger<FilesystemCollector>());

    public FilesystemCollector(CollectorContext context)
        : this(context, FilesystemOptions.Default)
    {
    }

    public FilesystemCollector(CollectorContext context, FilesystemOptions options)
        : this(context, options, Statfs.Call)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("filesystem", true, FilesystemOptions.Options, (context, settings) => new FilesystemCollector(context, FilesystemOptions.From(settings)));

    public string Name => Descriptor.Name;

    /// <summary>How many statfs calls are still blocked (for tests and diagnostics).</summary>
    internal int PendingCalls => _statfs.Pending;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        // PID 1's table is the host's when the agent shares the host PID namespace; /proc/1 can be hidden (hidepid),
        // then node_exporter falls back to its own view.
        var path = context.Paths.ProcFile("1/mountinfo");
        var content = KernelFile.ReadAll(path);
        if (content is null)
        {
            path = context.Paths.ProcFile("self/mountinfo");
            content = KernelFile.ReadAll(path);
        }

        if (content is null)
        {
            return CollectResult.NoData;
        }

        if (!MountInfo.TryParse(content, out var table, out var badLine))
        {
            throw new InvalidDataException($"{path}: malformed mount point information: \"{badLine}\"");
        }

        var mounts = new List<Mount>();
        var statPaths = new List<string>();
        var statIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in table)
        {
            var mountPoint = StripRoot(entry.MountPoint.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal));
            if (options.Ignores(mountPoint, entry.FsType))
            {
                continue;
            }

            // 1.10+ (#3387, #3659): read-only if either the mount or the superblock says "ro"; 1.12 (#3717) also takes
            // ext4's emergency_ro, shown in the superblock options once an error forced the filesystem read-only.
            var readOnly = MountInfo.HasOption(entry.Options, "ro") || MountInfo.HasOption(entry.SuperOptions, "ro")
                || MountInfo.HasOption(entry.SuperOptions, "emergency_ro");
            var statPath = StatPath(mountPoint);
            // Stacked mounts share a path: one statfs answers for all of them.
            if (!statIndex.TryGetValue(statPath, out var index))
            {
                index = statPaths.Count;
                statIndex.Add(statPath, index);
                statPaths.Add(statPath);
            }

            mounts.Add(new Mount(entry.Source, mountPoint, entry.FsType, entry.Major.ToString(CultureInfo.InvariantCulture),
                entry.Minor.ToString(CultureInfo.InvariantCulture), readOnly, index));
        }

        var results = _statfs.StatAll(statPaths, cancellation);
        var stats = new List<Stat>(mounts.Count);
        var seen = new HashSet<(string, string, string, string, string, string)>();
        foreach (var mount in mounts)
        {
            var result = results[mount.StatIndex];
            var error = result is not { } done ? TimeoutError : done.Errno != 0 ? Statfs.ErrorText(done.Errno) : "";
            if (seen.Add((mount.Device, mount.MountPoint, mount.FsType, error, mount.Major, mount.Minor)))
            {
                // A hung mount reports read-only 0: node_exporter never looks at its options.
                stats.Add(new Stat(mount, error, error != TimeoutError && mount.ReadOnly, result ?? default));
            }
        }

        Write(writer, stats);
        return CollectResult.Success;
    }

    private string StripRoot(string mountPoint)
    {
        // node_exporter strips --path.rootfs from mount points seen through a container's own table.
        var root = context.Paths.Root;
        if (root == "/" || root.Length == 0 || !mountPoint.StartsWith(root, StringComparison.Ordinal))
        {
            return mountPoint;
        }

        return mountPoint.Length == root.Length ? "/" : mountPoint[root.Length..];
    }

    private string StatPath(string mountPoint)
    {
        var root = context.Paths.Root.TrimEnd('/');
        return mountPoint.StartsWith('/') ? root + mountPoint : Path.Join(context.Paths.Root, mountPoint);
    }

    private static void Write(MetricWriter writer, List<Stat> stats)
    {
        // client_golang orders samples by label values in label-name order and keeps the first of two samples with
        // the same labels (mounts that differ only in major:minor).
        stats.Sort(static (a, b) => Compare(a.Mount.Device, b.Mount.Device, a.Error, b.Error, a.Mount.FsType, b.Mount.FsType,
            a.Mount.MountPoint, b.Mount.MountPoint));
        WriteGauge(writer, stats, "node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.", true,
            static s => (double)s.Result.BlocksAvailable * s.Result.BlockSize);
        WriteGauge(writer, stats, "node_filesystem_device_error", "Whether an error occurred while getting statistics for the given device.", false,
            static s => s.Error.Length > 0 ? 1 : 0);
        WriteGauge(writer, stats, "node_filesystem_files", "Filesystem total file nodes.", true, static s => s.Result.Files);
        WriteGauge(writer, stats, "node_filesystem_files_free", "Filesystem total free file nodes.", true, static s => s.Result.FilesFree);
        WriteGauge(writer, stats, "node_filesystem_free_bytes", "Filesystem free space in bytes.", true,
            static s => (double)s.Result.BlocksFree * s.Result.BlockSize);

        var healthy = stats.FindAll(static s => s.Error.Length == 0);
        healthy.Sort(static (a, b) => Compare(a.Mount.Device, b.Mount.Device, a.Mount.Major, b.Mount.Major, a.Mount.Minor, b.Mount.Minor,
            a.Mount.MountPoint, b.Mount.MountPoint));
        writer.Family("node_filesystem_mount_info", MetricType.Gauge, "Filesystem mount information.");
        Stat? previous = null;
        foreach (var s in healthy)
        {
            if (previous is null || Compare(previous.Mount.Device, s.Mount.Device, previous.Mount.Major, s.Mount.Major,
                previous.Mount.Minor, s.Mount.Minor, previous.Mount.MountPoint, s.Mount.MountPoint) != 0)
            {
                writer.Sample(1, "device", s.Mount.Device, "major", s.Mount.Major, "minor", s.Mount.Minor, "mountpoint", s.Mount.MountPoint);
            }

            previous = s;
        }

        // Always 0 on Linux: the family is macOS's purgeable space, but 1.9+ emits it for every healthy mount.
        WriteGauge(writer, stats, "node_filesystem_purgeable_bytes", "Filesystem space available including purgeable space (MacOS specific).", true,
            static _ => 0);
        WriteGauge(writer, stats, "node_filesystem_readonly", "Filesystem read-only status.", false, static s => s.ReadOnly ? 1 : 0);
        WriteGauge(writer, stats, "node_filesystem_size_bytes", "Filesystem size in bytes.", true,
            static s => (double)s.Result.Blocks * s.Result.BlockSize);
    }

    private static void WriteGauge(MetricWriter writer, List<Stat> stats, string name, string help, bool healthyOnly, Func<Stat, double> value)
    {
        writer.Family(name, MetricType.Gauge, help);
        Stat? previous = null;
        foreach (var s in stats)
        {
            if (healthyOnly && s.Error.Length > 0)
            {
                continue;
            }

            if (previous is null || Compare(previous.Mount.Device, s.Mount.Device, previous.Error, s.Error, previous.Mount.FsType,
                s.Mount.FsType, previous.Mount.MountPoint, s.Mount.MountPoint) != 0)
            {
                writer.Sample(value(s), "device", s.Mount.Device, "device_error", s.Error, "fstype", s.Mount.FsType,
                    "mountpoint", s.Mount.MountPoint);
            }

            previous = s;
        }
    }

    private static int Compare(string a1, string b1, string a2, string b2, string a3, string b3, string a4, string b4) =>
        SampleOrder.Compare((a1, a2, a3, a4), (b1, b2, b3, b4));

    private sealed record Mount(string Device, string MountPoint, string FsType, string Major, string Minor, bool ReadOnly, int StatIndex);

    private sealed record Stat(Mount Mount, string Error, bool ReadOnly, StatfsResult Result);
}
