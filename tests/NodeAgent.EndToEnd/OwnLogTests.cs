using System.Globalization;
using System.Text.Json;
using NodeAgent.EndToEnd.Support;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Issue 11, point 1, with the real agent process as the DaemonSet runs it by default: no Elasticsearch, so documents
/// go to stdout, and kubelet writes that stdout back into the agent's own container log, which the include glob
/// matches. The test plays kubelet: every line the agent prints is appended as a CRI line to the agent's own log file.
/// The agent knows its own files by their path (POD_NAME, POD_NAMESPACE) and never reads them: 20 lines of another
/// container give 20 documents, and the agent's own log stays as small as that.
/// </summary>
public sealed class OwnLogTests
{
    private const string Uid = "5f0c2a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6";
    private const string ContainerId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static string Cri(string line) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'} stdout F {line}\n");

    /// <summary>kubelet's layout: the pod's file under pods/, and the containers/ link the include glob matches.</summary>
    private static string PodLog(AgentConfig config, string ns, string pod, string container, string uid, string id)
    {
        var file = Path.Combine(config.Root, "pods", $"{ns}_{pod}_{uid}", container, "0.log");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "");
        File.CreateSymbolicLink(Path.Combine(config.LogDirectory, $"{pod}_{ns}_{container}-{id}.log"), file);
        return file;
    }

    [Fact]
    public async Task With_the_console_output_the_agent_never_reads_its_own_log()
    {
        using var config = new AgentConfig();
        var own = PodLog(config, "kube-system", "node-agent-x7k2p", "node-agent", Uid, ContainerId);
        var other = PodLog(config, "shop", "web-0", "app", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", new string('f', 64));
        await using var agent = AgentProcess.Start(["--config", config.FilePath, "--Logs:PollInterval=100ms"],
            new Dictionary<string, string> { ["POD_NAME"] = "node-agent-x7k2p", ["POD_NAMESPACE"] = "kube-system" });
        await config.WaitUntilServingAsync(agent);

        File.AppendAllText(other, string.Concat(Enumerable.Range(0, 20).Select(i => Cri($"order {i} accepted"))));

        // kubelet: whatever the agent prints (documents on stdout, its own logs on stderr) goes into its own log file.
        var copied = (Stdout: 0, Stderr: 0);
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < end && new FileInfo(own).Length < 10_000_000)
        {
            var stdout = agent.Stdout;
            var stderr = agent.Stderr;
            File.AppendAllText(own, string.Concat(stdout.Skip(copied.Stdout).Concat(stderr.Skip(copied.Stderr)).Select(Cri)));
            copied = (stdout.Count, stderr.Count);
            await Task.Delay(50);
        }

        var documents = agent.Stdout.Where(l => l.Contains("\"@timestamp\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(20, documents.Count);
        Assert.All(documents, d =>
        {
            using var json = JsonDocument.Parse(d);
            Assert.Equal("web-0", json.RootElement.GetProperty("kubernetes").GetProperty("pod").GetProperty("name").GetString());
        });
        Assert.True(File.ReadAllLines(own).Length <= 40, $"the agent's own log grew to {File.ReadAllLines(own).Length} lines");
        Assert.Contains(agent.Logs, l => l.Contains("TailOwnLogSkipped", StringComparison.Ordinal));
    }
}
