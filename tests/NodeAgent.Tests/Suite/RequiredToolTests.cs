using NodeAgent.Tests.TestSupport;

// File modes are Linux's, where the agent and its tests run.
#pragma warning disable CA1416

namespace NodeAgent.Tests.Suite;

/// <summary>Tests that run promtool, systemd-analyze or kubectl skip with the package to install when the tool is
/// missing on a workstation, and run (failing on a missing tool) under tests/run-all.sh and CI.</summary>
public sealed class RequiredToolTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void A_missing_tool_skips_outside_run_all_and_says_which_package_to_install()
    {
        var reason = RequiredTool.SkipReason(["promtool"], Environment(("PATH", _dir.Path)));

        Assert.Equal("promtool is not on PATH (Debian package prometheus): skipped outside tests/run-all.sh (which installs it; under it and under CI=true the test runs)", reason);
    }

    [Theory]
    [InlineData("CI", "true")]
    [InlineData(RequiredTool.RequiredVariable, "1")]
    public void Under_run_all_or_ci_a_missing_tool_does_not_skip_so_the_test_fails(string variable, string value)
    {
        Assert.Null(RequiredTool.SkipReason(["kubectl"], Environment(("PATH", _dir.Path), (variable, value))));
        Assert.Null(RequiredTool.Find("kubectl", _dir.Path));
    }

    [Fact]
    public void A_tool_on_path_runs_the_test()
    {
        var tool = _dir.Write("bin/systemd-analyze", "#!/bin/sh\n");
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        Assert.Equal(tool, RequiredTool.Find("systemd-analyze", $"/nonexistent:{Path.GetDirectoryName(tool)}"));
        Assert.Null(RequiredTool.SkipReason(["systemd-analyze"], Environment(("PATH", Path.GetDirectoryName(tool)!))));
    }

    [Fact]
    public void A_file_that_is_not_executable_is_not_the_tool()
    {
        var file = _dir.Write("bin/kubectl", "not a program");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.NotNull(RequiredTool.SkipReason(["kubectl"], Environment(("PATH", Path.GetDirectoryName(file)!))));
    }

    [Fact]
    public void Run_all_installs_every_tool_and_marks_its_run()
    {
        var script = File.ReadAllText(Repository.File("tests", "run-all.sh"));

        Assert.All(RequiredTool.Packages, p => Assert.Contains($"command -v {p.Key} ", script, StringComparison.Ordinal));
        Assert.All(RequiredTool.Packages, p => Assert.Contains($"need+=({p.Value})", script, StringComparison.Ordinal));
        Assert.Contains($"export {RequiredTool.RequiredVariable}=1\n", script, StringComparison.Ordinal);
    }
}
