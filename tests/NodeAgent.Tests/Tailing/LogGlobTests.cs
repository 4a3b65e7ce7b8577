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

        Assert.Equal([Path.Combine(_root.Path, "containers/web-7d4b9_default_nginx-abc.log")], found);
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
