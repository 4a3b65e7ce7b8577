using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

public sealed class LogGlobTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Expands_the_containers_glob_following_symlinks_and_skipping_dangling_ones()
    {
        var target = _root.Write("pods/default_web-7d4b9_0a1b/nginx/0.log", "x\n");
        Directory.CreateDirectory(Path.Combine(_root.Path, "containers"));
        File.CreateSymbolicLink(Path.Combine(_root.Path, "containers/web-7d4b9_default_nginx-abc.log"), target);
        File.CreateSymbolicLink(Path.Combine(_root.Path, "containers/gone_default_app-def.log"), Path.Combine(_root.Path, "pods/missing/0.log"));
        _root.Write("containers/notes.txt", "not a log\n");

        var found = new LogGlob(Path.Combine(_root.Path, "containers/*.log")).Expand();

        // Each match carries the status of the file it leads to: Discovery needs no stat of its own.
        var match = Assert.Single(found);
        Assert.Equal(Path.Combine(_root.Path, "containers/web-7d4b9_default_nginx-abc.log"), match.Path);
        Assert.True(FileStatus.TryOf(target, out var targetStatus));
        Assert.Equal((targetStatus.Inode, 2L), (match.Status.Inode, match.Status.Size));
    }

    [Fact]
    public void Wildcards_match_within_a_segment_and_double_star_across_segments()
    {
        _root.Write("pods/ns_a_1/c1/0.log", "");
        _root.Write("pods/ns_b_2/c2/1.log", "");
        _root.Write("pods/ns_b_2/c2/1.log.20261128-101500", "");

        Assert.Equal(2, new LogGlob(Path.Combine(_root.Path, "pods/*/*/*.log")).Expand().Count);
        Assert.Equal(2, new LogGlob(Path.Combine(_root.Path, "pods/**/*.log")).Expand().Count);
        Assert.Single(new LogGlob(Path.Combine(_root.Path, "pods/ns_?_1/*/?.log")).Expand());
        Assert.Empty(new LogGlob(Path.Combine(_root.Path, "nowhere/*.log")).Expand());
    }

    [Fact]
    public void Unchanged_directories_are_not_listed_again_and_a_change_is_seen_at_the_next_walk()
    {
        for (var n = 0; n < 20; n++)
        {
            _root.Write($"pods/ns_p{n}_u/app/0.log", "x\n");
        }

        SettleAll();
        var glob = new LogGlob(Path.Combine(_root.Path, "pods/*/*/*.log"));
        Assert.Equal(20, glob.Expand().Count);
        var listed = glob.DirectoriesListed;
        Assert.Equal(41, listed);

        // Twenty walks later nothing was listed again; the files' statuses are still fresh.
        File.AppendAllText(Path.Combine(_root.Path, "pods/ns_p3_u/app/0.log"), "more\n");
        for (var walk = 0; walk < DirectoryListings.RenewEvery - 2; walk++)
        {
            Assert.Equal(20, glob.Expand().Count);
        }

        Assert.Equal(listed, glob.DirectoriesListed);
        Assert.Equal(7, glob.Expand().Single(m => m.Path.Contains("ns_p3_u", StringComparison.Ordinal)).Status.Size);

        // A new pod directory changes the pods directory: the next walk lists it (and the new directories) again.
        _root.Write("pods/ns_new_u/app/0.log", "x\n");
        Assert.Contains(glob.Expand(), m => m.Path.Contains("ns_new_u", StringComparison.Ordinal));
        // A file deleted from a settled directory is gone at the next walk too.
        File.Delete(Path.Combine(_root.Path, "pods/ns_p5_u/app/0.log"));
        Assert.DoesNotContain(glob.Expand(), m => m.Path.Contains("ns_p5_u", StringComparison.Ordinal));
    }

    [Fact]
    public void A_directory_changed_just_before_it_was_listed_is_listed_again_until_it_settles()
    {
        _root.Write("pods/ns_p_u/app/0.log", "x\n");
        SettleAll();
        // Changed now: its modification time may share a clock tick with a change still to come.
        _root.Write("pods/ns_p_u/app/1.log", "x\n");
        var glob = new LogGlob(Path.Combine(_root.Path, "pods/*/*/*.log"));
        glob.Expand();
        var listed = glob.DirectoriesListed;

        glob.Expand();

        Assert.Equal(listed + 1, glob.DirectoriesListed);
    }

    [Fact]
    public void Every_listing_is_renewed_after_a_bounded_number_of_walks()
    {
        _root.Write("pods/ns_p_u/app/0.log", "x\n");
        SettleAll();
        var glob = new LogGlob(Path.Combine(_root.Path, "pods/*/*/*.log"));
        var walks = 0;
        while (glob.DirectoriesListed <= 3 && walks < 100)
        {
            glob.Expand();
            walks++;
        }

        Assert.Equal(DirectoryListings.RenewEvery, walks);
        Assert.Equal(6, glob.DirectoriesListed);
    }

    [Fact]
    public void Double_star_does_not_follow_a_symlink_back_up_the_tree()
    {
        _root.Write("pods/ns_p_u/app/0.log", "x\n");
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "pods/ns_p_u/app/loop"), Path.Combine(_root.Path, "pods"));

        var found = new LogGlob(Path.Combine(_root.Path, "pods/**/*.log")).Expand();

        Assert.Equal([Path.Combine(_root.Path, "pods/ns_p_u/app/0.log")], found.Select(m => m.Path));
    }

    /// <summary>Every directory of the tree last changed an hour ago: listings of it can be trusted.</summary>
    private void SettleAll()
    {
        var past = DateTime.UtcNow.AddHours(-1);
        foreach (var directory in Directory.GetDirectories(_root.Path, "*", SearchOption.AllDirectories).Append(_root.Path))
        {
            Directory.SetLastWriteTimeUtc(directory, past);
        }
    }

    [Theory]
    [InlineData("/var/log/containers/*.log", "/var/log/containers/a_b_c-123.log", true)]
    [InlineData("/var/log/containers/*.log", "/var/log/containers/sub/a.log", false)]
    [InlineData("/var/log/containers/kube-system_*.log", "/var/log/containers/kube-system_x.log", true)]
    [InlineData("/var/log/**/*.log", "/var/log/pods/a/b/0.log", true)]
    public void Matches_paths_for_excludes(string glob, string path, bool expected) =>
        Assert.Equal(expected, new LogGlob(glob).IsMatch(path));

    [Theory]
    [InlineData("/var/log/pods/ns_pod_uid/c/0.log", false)]
    [InlineData("/var/log/pods/ns_pod_uid/c/0.log.20261128-101500", true)]
    [InlineData("/var/log/pods/ns_pod_uid/c/0.log.20261128-101500.gz", true)]
    [InlineData("/var/log/pods/ns_pod_uid/c/0.log.20261128-101500.tmp", true)]
    [InlineData("/var/log/containers/x.log", false)]
    public void Rotated_names_are_recognised(string path, bool rotated) => Assert.Equal(rotated, RotatedName.IsRotated(path));
}
