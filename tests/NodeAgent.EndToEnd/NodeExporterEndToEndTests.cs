using System.Diagnostics;
using System.Text.Json.Nodes;
using NodeAgent.EndToEnd.Support;
using Xunit.Abstractions;

namespace NodeAgent.EndToEnd;

/// <summary>
/// node_exporter's own end-to-end test run against NodeAgent (issue 13): its fixtures (<c>tests/fixtures/node-exporter-e2e</c>,
/// or <c>NODEAGENT_TEST_NE_E2E</c>) copied into a temporary folder, <c>sys.ttar</c> and
/// <c>udev.ttar</c> unpacked with its own <c>ttar</c>, the agent started from that folder (paths in labels are
/// relative) with exactly the command line <c>end-to-end-test.sh</c> gives node_exporter on x86_64 (its flags, not
/// NodeAgent's keys; <see cref="NodeExporterE2EScript"/>), one scrape
/// compared with <c>collector/fixtures/e2e-output.txt</c> after the script's <c>skip_re</c>. The report (test output,
/// and the file <c>NODEAGENT_NE_E2E_REPORT</c> names; <c>bench/ne_e2e.py</c> prints it) gives the percentage of
/// expected series served equal in name, labels and value, and every difference grouped by collector.
/// </summary>
public sealed class NodeExporterEndToEndTests(ITestOutputHelper output)
{
    // The ratchet: what NodeAgent reaches today, never to go down. The target was 99% of the series (2,997 of 3,027)
    // with every family of the same type (issue 13); every series but two is served equal. The two expected series are
    // node_exporter's error and stay different on purpose: node_nfs_requests_total{proto="4"} LayoutGet and
    // GetDeviceInfo, which procfs 0.17 and later swap (NodeAgent keeps the kernel's order: README,
    // NfsRpcStats.ClientV4Procedures). README "node_exporter's own end-to-end test" lists what is left.
    private const int EqualSeriesAtLeast = 3025;
    private const int TypeDifferencesAtMost = 0;

    // A drop-in serves no series node_exporter does not: a dashboard or recording rule written against NodeAgent must
    // keep working on node_exporter, and a name node_exporter has not settled on could later mean something else.
    private const int ExtraSeriesAtMost = 0;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Node_exporter_end_to_end_output_is_reproduced()
    {
        var source = FixtureSource();
        var folder = Path.Combine(Path.GetTempPath(), "nodeagent-ne-e2e-" + Guid.NewGuid().ToString("N"));
        try
        {
            CopyTree(source, folder);
            RestoreSymlink(Path.Combine(folder, "collector/fixtures/proc/self"));
            await UnpackAsync(folder, "collector/fixtures/sys.ttar");
            await UnpackAsync(folder, "collector/fixtures/udev.ttar");
            // The script picks a random port; 0 lets the kernel pick one that is free (the Started line says which).
            var script = NodeExporterE2EScript.Read(Path.Combine(folder, "end-to-end-test.sh"), port: "0");

            // node_exporter waits for every collector: so does this run, however loaded the machine. Set in the
            // environment, so that the command line is node_exporter's own.
            await using var agent = AgentProcess.Start(script.Invocation, new Dictionary<string, string> { ["NODEAGENT_Metrics__CollectorTimeout"] = "1m" }, folder);
            var address = await agent.WaitUntilServingAsync(TimeSpan.FromSeconds(30));
            using var http = new HttpClient();
            var served = await http.GetStringAsync(new Uri(address, "/metrics"));

            var expected = await File.ReadAllTextAsync(Path.Combine(folder, "collector/fixtures/e2e-output.txt"));
            var comparison = NodeExporterE2EComparison.Compare(expected, served, script.Skip);
            var report = comparison.Report($"Started as: ./node_exporter {string.Join(' ', script.Invocation)}\n");
            output.WriteLine(report);
            if (Environment.GetEnvironmentVariable("NODEAGENT_NE_E2E_REPORT") is { Length: > 0 } reportFile)
            {
                await File.WriteAllTextAsync(reportFile, report);
            }

            Assert.True(comparison.Equal >= EqualSeriesAtLeast,
                $"{comparison.Equal} series equal, fewer than the {EqualSeriesAtLeast} reached before\n{report}");
            Assert.True(comparison.Extra.Count <= ExtraSeriesAtMost,
                $"{comparison.Extra.Count} series node_exporter does not serve, more than the {ExtraSeriesAtMost} before\n{report}");
            Assert.True(comparison.TypeDifferences.Count <= TypeDifferencesAtMost,
                $"{comparison.TypeDifferences.Count} families of another type, more than the {TypeDifferencesAtMost} before\n{report}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static string FixtureSource()
    {
        if (Environment.GetEnvironmentVariable("NODEAGENT_TEST_NE_E2E") is { Length: > 0 } configured)
        {
            return configured;
        }

        // tests/NodeAgent.EndToEnd/bin/<Configuration>/net10.0/ → the repository root. The fixtures are kept in the
        // repository, unchanged with their licence (tests/fixtures/node-exporter-e2e/README.md), so a clean clone runs
        // this test wherever it is cloned.
        var root = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var fixtures = Path.Combine(root, "tests", "fixtures", "node-exporter-e2e");
        Assert.True(Directory.Exists(fixtures), $"node_exporter's end-to-end fixtures are not at {fixtures} (set NODEAGENT_TEST_NE_E2E)");
        return fixtures;
    }

    // shared/ is read-only: the copy's files are made writable so that the folder can be unpacked into and deleted.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// node_exporter's fixtures hold one symbolic link, <c>collector/fixtures/proc/self</c> → <c>10</c> (the process
    /// whose mountstats and mountinfo the mountstats collector reads); a copy made without symlink support (git's
    /// core.symlinks=false) holds a file with the target's name instead. Made a link again, as in node_exporter's tree.
    /// </summary>
    private static void RestoreSymlink(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return;
        }

        var target = File.ReadAllText(path).Trim();
        if (target.Length > 0 && !target.Contains('/', StringComparison.Ordinal) && Directory.Exists(Path.Combine(info.DirectoryName!, target)))
        {
            File.Delete(path);
            File.CreateSymbolicLink(path, target);
        }
    }

    private static async Task UnpackAsync(string folder, string archive)
    {
        var start = new ProcessStartInfo("bash", ["./ttar", "-C", "collector/fixtures", "-x", "-f", archive])
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var ttar = Process.Start(start)!;
        var errors = ttar.StandardError.ReadToEndAsync();
        _ = await ttar.StandardOutput.ReadToEndAsync();
        await ttar.WaitForExitAsync();
        Assert.True(ttar.ExitCode == 0, $"ttar -x {archive} exited with {ttar.ExitCode}: {await errors}");
    }
}
