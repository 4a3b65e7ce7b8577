using System.Text;
using NodeAgent.Hostfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hostfs;

public sealed class OsReleaseTests
{
    private static IReadOnlyDictionary<string, string> Parse(string content)
    {
        Assert.True(OsRelease.TryParse(Encoding.UTF8.GetBytes(content), out var values, out var error), error);
        return values;
    }

    [Fact]
    public void The_captured_debian_file_parses()
    {
        Assert.True(OsRelease.TryParse(File.ReadAllBytes(Repository.Fixture("node", "root", "usr", "lib", "os-release")), out var values, out _));

        Assert.Equal("Debian GNU/Linux 12 (bookworm)", values["PRETTY_NAME"]);
        Assert.Equal("bookworm", values["VERSION_CODENAME"]);
        Assert.Equal("12", values["VERSION_ID"]);
    }

    [Theory]
    [InlineData("NAME=plain", "plain")]
    [InlineData("NAME=\"double quoted\"", "double quoted")]
    [InlineData("NAME='single # kept'", "single # kept")]
    [InlineData("NAME=value # trailing comment", "value")]
    [InlineData("export NAME = spaced ", "spaced")]
    [InlineData("NAME=\"tab\\tand \\\"quote\\\" \\u00e9\"", "tab\tand \"quote\" é")]
    [InlineData("NAME=mixed'single'\"double\"", "mixedsingledouble")]
    [InlineData("NAME=", "")]
    public void Values_are_unquoted_as_go_envparse_does(string line, string expected) =>
        Assert.Equal(expected, Parse("# comment\n\n" + line + "\n")["NAME"]);

    [Fact]
    public void A_later_duplicate_wins() =>
        Assert.Equal("b", Parse("ID=a\nID=b\n")["ID"]);

    [Theory]
    [InlineData("just words\n")]
    [InlineData("1KEY=x\n")]
    [InlineData("KEY=\"unterminated\n")]
    [InlineData("KEY='unterminated\n")]
    [InlineData("KEY=\"bad \\q escape\"\n")]
    [InlineData("KEY=a\tb\n")]
    public void Malformed_lines_fail_the_file(string content) =>
        Assert.False(OsRelease.TryParse(Encoding.UTF8.GetBytes(content), out _, out _));

    [Theory]
    [InlineData("24.04", 24.04)]
    [InlineData("12", 12)]
    [InlineData("12.5.1", 12.5)]
    [InlineData("3.", 3)]
    [InlineData("rolling", 0)]
    [InlineData("", 0)]
    public void Version_id_gives_major_minor(string versionId, double expected) =>
        Assert.Equal(expected, OsRelease.MajorMinor(versionId));
}
