// File modes are Linux's, where the agent and its tests run.
#pragma warning disable CA1416

namespace NodeAgent.Tests.TestSupport;

/// <summary>
/// A program a test runs (promtool, systemd-analyze, kubectl, tc, prometheus-node-exporter), found on PATH (or in
/// /usr/sbin, /sbin). tests/run-all.sh installs them and marks its run (<see cref="RequiredVariable"/>), and CI sets
/// <c>CI=true</c>: there a missing tool fails the test. Anywhere else (a plain <c>dotnet test</c> on a workstation) the
/// test is skipped, saying which package to install. Compiled into the end-to-end tests too, for the ones that run
/// Debian's node_exporter.
/// </summary>
internal static class RequiredTool
{
    /// <summary>Set by tests/run-all.sh: every tool was installed, so a missing one is a failure, not a skip.</summary>
    public const string RequiredVariable = "NODEAGENT_TEST_REQUIRE_TOOLS";

    /// <summary>The Debian package of each tool, as tests/run-all.sh installs it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Packages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["promtool"] = "prometheus",
        ["systemd-analyze"] = "systemd",
        ["kubectl"] = "kubernetes-client",
        ["prometheus-node-exporter"] = "prometheus-node-exporter",
        ["tc"] = "iproute2",
    };

    /// <summary>The tool's full path; fails the test when it is missing (the test was not skipped, so it must run).</summary>
    public static string Path(string tool) =>
        Find(tool, Environment.GetEnvironmentVariable("PATH")) ?? throw new Xunit.Sdk.XunitException(Missing(tool) + ": run tests/run-all.sh, which installs it");

    /// <summary>The first executable file named <paramref name="tool"/> in the directories of <paramref name="path"/>.</summary>
    public static string? Find(string tool, string? path) =>
        // Debian keeps system tools (tc) in /usr/sbin, which is not on an ordinary user's PATH.
        $"{path}{System.IO.Path.PathSeparator}/usr/sbin{System.IO.Path.PathSeparator}/sbin".Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, tool))
            .FirstOrDefault(file => File.Exists(file) && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>Why a test needing <paramref name="tools"/> is skipped; null when it runs: every tool is there, or the
    /// run must have them (CI, tests/run-all.sh), where the test then fails on the missing one.</summary>
    public static string? SkipReason(IEnumerable<string> tools, Func<string, string?> environment)
    {
        if (string.Equals(environment("CI"), "true", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrEmpty(environment(RequiredVariable)))
        {
            return null;
        }

        var missing = tools.Where(t => Find(t, environment("PATH")) is null).ToList();
        return missing.Count == 0
            ? null
            : string.Join("; ", missing.Select(Missing)) + ": skipped outside tests/run-all.sh (which installs it; under it and under CI=true the test runs)";
    }

    private static string Missing(string tool) =>
        $"{tool} is not on PATH (Debian package {(Packages.TryGetValue(tool, out var package) ? package : "?")})";

    internal static string? SkipReason(string[] tools) => SkipReason(tools, Environment.GetEnvironmentVariable);
}

/// <summary>A fact that runs <see cref="RequiredTool"/>s: skipped, with the reason, when they are missing outside
/// tests/run-all.sh and CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools) => Skip = RequiredTool.SkipReason(tools);
}

/// <summary>A theory that runs <see cref="RequiredTool"/>s: skipped, with the reason, when they are missing outside
/// tests/run-all.sh and CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(params string[] tools) => Skip = RequiredTool.SkipReason(tools);
}
