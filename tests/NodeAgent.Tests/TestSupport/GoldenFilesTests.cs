namespace NodeAgent.Tests.TestSupport;

/// <summary>The golden-file update flag is honoured on a developer's machine and refused in CI (issue 12, point 7).</summary>
public sealed class GoldenFilesTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Without_the_flag_the_golden_file_is_compared()
    {
        Assert.False(GoldenFiles.UpdateRequested(Environment()));
        Assert.False(GoldenFiles.UpdateRequested(Environment(("CI", "true"))));
        Assert.False(GoldenFiles.UpdateRequested(Environment((GoldenFiles.UpdateVariable, "0"))));
    }

    [Fact]
    public void With_the_flag_outside_CI_the_golden_file_is_rewritten()
    {
        Assert.True(GoldenFiles.UpdateRequested(Environment((GoldenFiles.UpdateVariable, "1"))));
        Assert.True(GoldenFiles.UpdateRequested(Environment((GoldenFiles.UpdateVariable, "1"), ("CI", "false"))));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    public void With_the_flag_under_CI_the_test_fails_and_says_why(string ci)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => GoldenFiles.UpdateRequested(Environment((GoldenFiles.UpdateVariable, "1"), ("CI", ci))));
        Assert.Contains("NODEAGENT_UPDATE_GOLDEN=1 is refused under CI=true", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Every golden test goes through <see cref="GoldenFiles"/>: one reading the variable itself would
    /// regenerate its golden file in CI too.</summary>
    [Fact]
    public void No_test_reads_the_update_flag_but_through_GoldenFiles()
    {
        // The test projects only, without following links: the fixture node's /sys holds link cycles.
        var noLinks = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        var direct = Directory.EnumerateDirectories(Repository.File("tests"), "NodeAgent.*")
            .SelectMany(project => Directory.EnumerateFiles(project, "*.cs", noLinks))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileName(p) is not (nameof(GoldenFiles) + ".cs" or nameof(GoldenFilesTests) + ".cs"))
            .Where(p => File.ReadAllText(p).Contains("\"" + GoldenFiles.UpdateVariable + "\"", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Repository.Root, p))
            .ToList();
        Assert.True(direct.Count == 0, "read NODEAGENT_UPDATE_GOLDEN through GoldenFiles.UpdateRequested() instead: " + string.Join(", ", direct));
    }
}
