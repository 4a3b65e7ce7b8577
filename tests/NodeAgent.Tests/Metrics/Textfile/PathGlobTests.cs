using NodeAgent.Metrics.Textfile;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Textfile;

public sealed class PathGlobTests
{
    [Theory]
    [InlineData("*.prom", "a.prom", true)]
    [InlineData("*.prom", "a.txt", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[^a-c]x", "bx", false)]
    [InlineData("\\*", "*", true)]
    public void Segments_match_as_filepath_match(string pattern, string name, bool expected) =>
        Assert.Equal(expected, PathGlob.Match(pattern, name));

    [Theory]
    [InlineData("[")]
    [InlineData("[]")]
    [InlineData("a\\")]
    public void Malformed_patterns_are_null(string pattern) =>
        Assert.Null(PathGlob.Match(pattern, "a"));

    [Fact]
    public void Directories_expand_sorted_and_no_match_is_null()
    {
        var root = Repository.Fixture("textfile");

        Assert.Equal(
            [Path.Join(root, "broken"), Path.Join(root, "conflict")],
            PathGlob.Expand(Path.Join(root, "[bc]*")));
        Assert.Null(PathGlob.Expand(Path.Join(root, "zz*")));
        Assert.Equal([Path.Join(root, "good")], PathGlob.Expand(Path.Join(root, "good")));
    }
}
