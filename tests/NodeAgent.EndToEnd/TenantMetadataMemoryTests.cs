using System.Globalization;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;
using NodeAgent.KubernetesApiEmulation;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Issue 11, point 8, with the real agent process: four pods, each with a 250 KB annotation, each printing 100,000
/// short lines, Elasticsearch answering in 200 ms. Before, every document repeated the annotation and a bulk body was
/// built per read quantum before any wait: the agent ran out of memory under the DaemonSet's 256 MiB limit and shipped
/// 417 of 113,451 lines in two minutes. Now annotations go into documents only by key and the metadata per document is
/// capped, and the budget counts the encoded bytes: every line is stored, and the peak RSS stays well inside the limit.
/// </summary>
public sealed class TenantMetadataMemoryTests
{
    private const string Target = "logs-kubernetes.container_logs-default";
    private const string Node = "node-a";
    private const int Pods = 4;
    private const int LinesPerPod = 100_000;

    [Fact]
    public async Task Huge_annotations_on_busy_pods_neither_blow_the_memory_nor_stop_shipping()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync(new EmulatorOptions { CountOnly = true });
        emulator.Faults = new FaultSettings { Latency = TimeSpan.FromMilliseconds(200) };
        await using var api = await FakeKubernetesApi.StartAsync(new FakeKubernetesApiOptions { Token = "t" });
        api.UpsertNamespace("tenant", new Dictionary<string, string>());
        var huge = new string('x', 250_000);
        for (var p = 0; p < Pods; p++)
        {
            var pod = string.Create(CultureInfo.InvariantCulture, $"noisy-{p}");
            api.UpsertPod(FakePod.Create("tenant", pod, Node).Uid($"uid-{p}").Annotation("tenant.example/blob", huge).Label("app", "noisy")
                .Container("app", "busybox:1.36").Build());
            var path = Path.Combine(config.Root, "pods", $"tenant_{pod}_uid-{p}", "app", "0.log");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var writer = File.CreateText(path);
            for (var i = 0; i < LinesPerPod; i++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:00:00.{i:000000000}Z stdout F p{p} {i}\n"));
            }
        }

        var kubeconfig = Path.Combine(config.Root, "kubeconfig");
        api.WriteKubeconfig(kubeconfig);
        await using var agent = await config.StartAgentAsync(
            $"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}", $"--Node:Name={Node}",
            $"--Kubernetes:Kubeconfig={kubeconfig}", "--Kubernetes:Annotations:0=*");

        await Eventually.ValueAsync(() => emulator.Count(Target), n => n >= Pods * LinesPerPod, "every line stored", TimeSpan.FromSeconds(180));

        var peak = PeakRssBytes(agent.Id);
        Assert.Equal(Pods * LinesPerPod, emulator.Count(Target));
        Assert.Equal(0, emulator.Stats.ItemsConflict);
        // Before: out of memory in a 256 MiB limit. Measured now: 184 MiB on the 2-core VM (issue 12 is the work that cuts it).
        Assert.True(peak < 224L << 20, $"peak RSS {peak >> 20} MiB");
        var metrics = await config.AgentMetricsAsync();
        // The blob annotation of each pod, left out once: at the list (the pods do not change afterwards).
        Assert.Contains($"nodeagent_kubernetes_metadata_pairs_dropped_total {Pods}\n", metrics, StringComparison.Ordinal);
    }

    private static long PeakRssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
