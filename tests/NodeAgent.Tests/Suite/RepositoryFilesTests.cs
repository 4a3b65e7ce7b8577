using System.Diagnostics;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Suite;

/// <summary>What the repository tracks: no build output of the Python benches (bench/*.py are run, their bytecode
/// caches are the machine's).</summary>
public sealed class RepositoryFilesTests
{
    [Fact]
    public void No_python_bytecode_is_committed_and_its_caches_are_ignored()
    {
        var start = new ProcessStartInfo("git", ["ls-files", "-z"]) { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, UseShellExecute = false };
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var tracked = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();

        Assert.Equal(0, git.ExitCode);
        Assert.Contains("bench/tail_throughput.py", tracked);
        Assert.DoesNotContain(tracked, f => f.Contains("__pycache__/", StringComparison.Ordinal) || f.EndsWith(".pyc", StringComparison.Ordinal));
        Assert.Contains("__pycache__/", File.ReadAllLines(Repository.File(".gitignore")));
    }
}
