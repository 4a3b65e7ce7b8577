using System.Text;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// The repository's fixture node (tests/fixtures/node: proc, sys, root with its udev database) copied into a temporary
/// folder for one test, with the one file Debian's node_exporter 1.5.0 reads that the fixture lacks:
/// <c>proc/1/mounts</c>. 1.5.0's filesystem collector reads <c>/proc/1/mounts</c> (1.10.1, #3452, moved to
/// <c>/proc/1/mountinfo</c>, which NodeAgent reads), so the copy gets the mounts file the kernel would show beside that
/// mountinfo (<see cref="MountsFromMountInfo"/>), and both exporters see the same mount table.
/// </summary>
internal sealed class FixtureNodeCopy : IDisposable
{
    private FixtureNodeCopy(string root) => Root = root;

    /// <summary>The copy: <c>proc</c>, <c>sys</c> and <c>root</c> below it.</summary>
    public string Root { get; }

    public string Proc => Path.Join(Root, "proc");

    public string Sys => Path.Join(Root, "sys");

    public string RootFs => Path.Join(Root, "root");

    public string UdevData => Path.Join(Root, "root", "run", "udev", "data");

    public static FixtureNodeCopy Create()
    {
        var copy = new FixtureNodeCopy(Path.Combine(Path.GetTempPath(), "nodeagent-fixture-node-" + Guid.NewGuid().ToString("N")));
        CopyTree(Path.Combine(RepositoryRoot(), "tests", "fixtures", "node"), copy.Root);
        var mountInfo = File.ReadAllText(Path.Join(copy.Proc, "1", "mountinfo"));
        File.WriteAllText(Path.Join(copy.Proc, "1", "mounts"), MountsFromMountInfo(mountInfo));
        return copy;
    }

    /// <summary>
    /// <c>/proc/PID/mounts</c> for a <c>/proc/PID/mountinfo</c>: both are the kernel's view of one mount table
    /// (fs/proc_namespace.c, show_vfsmnt and show_mountinfo). A mounts line is "source mountpoint fstype options 0 0";
    /// its options are "ro" when the mount or its superblock is read-only, else "rw", then the superblock's options and
    /// the mount's (mountinfo's two option fields, each without its leading rw/ro). Escapes (\040) are the same in both.
    /// </summary>
    internal static string MountsFromMountInfo(string mountInfo)
    {
        var mounts = new StringBuilder();
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            var before = line[..separator].Split(' ');
            var after = line[(separator + 3)..].Split(' ');
            var (mountPoint, mountOptions) = (before[4], before[5].Split(','));
            var (fsType, source, superOptions) = (after[0], after[1], after[2].Split(','));
            var readOnly = mountOptions[0] == "ro" || superOptions[0] == "ro";
            var options = new[] { readOnly ? "ro" : "rw" }.Concat(superOptions.Skip(1)).Concat(mountOptions.Skip(1));
            mounts.Append(source).Append(' ').Append(mountPoint).Append(' ').Append(fsType).Append(' ')
                .AppendJoin(',', options).Append(" 0 0\n");
        }

        return mounts.ToString();
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>A copy that keeps symbolic links as links (sysfs is made of them: a hwmon chip's name, a network
    /// device's bus, come from where its links point); the fixture's links are all relative.</summary>
    private static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var target = Path.Join(destination, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo)
            {
                CopyTree(entry.FullName, target);
            }
            else
            {
                File.Copy(entry.FullName, target);
            }
        }
    }

    /// <summary>The repository's root folder (where NodeAgent.sln is), above the test's build output.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NodeAgent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("NodeAgent.sln not found above " + AppContext.BaseDirectory);
    }
}
