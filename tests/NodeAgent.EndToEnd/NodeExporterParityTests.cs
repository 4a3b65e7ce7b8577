using NodeAgent.EndToEnd.Support;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>
/// NodeAgent and Debian's node_exporter (1.5.0) side by side on this machine: every node_* family node_exporter
/// emits is emitted by NodeAgent with the same type and label names, and every series it serves in both its scrapes
/// (but for the documented differences between 1.5.0 and 1.12 in <see cref="NodeExporterDifferences"/>), static values
/// are equal, counters lie between two node_exporter scrapes taken before and after ours, and gauges that hold still
/// (each collector's success among them) are within 1%. This machine has little of the hardware the collectors read:
/// <see cref="NodeExporterFixtureParityTests"/> compares every series on the fixture node.
/// </summary>
public sealed class NodeExporterParityTests
{
    private sealed record Scrapes(Dictionary<string, Family> Before, Dictionary<string, Family> Agent, Dictionary<string, Family> After);

    private static async Task<Scrapes> ScrapeSideBySideAsync()
    {
        await using var exporter = await NodeExporterProcess.StartAsync();
        using var config = new AgentConfig(json => json["Logs"]!["Enabled"] = false);
        await using var agent = await config.StartAgentAsync();
        using var http = new HttpClient();

        // Warm both up once (first-scrape work such as udev lookups), then bracket ours between two of theirs.
        await http.GetStringAsync(new Uri(exporter.BaseAddress, "/metrics"));
        await http.GetStringAsync(new Uri(config.BaseAddress, "/metrics"));
        var before = Exposition.Parse(await http.GetStringAsync(new Uri(exporter.BaseAddress, "/metrics")));
        var ours = Exposition.Parse(await http.GetStringAsync(new Uri(config.BaseAddress, "/metrics")));
        var after = Exposition.Parse(await http.GetStringAsync(new Uri(exporter.BaseAddress, "/metrics")));
        return new Scrapes(before, ours, after);
    }

    private static IEnumerable<Family> ComparableFamilies(Dictionary<string, Family> exporter) =>
        exporter.Values.Where(f => f.Name.StartsWith("node_", StringComparison.Ordinal)
            && f.Samples.Count > 0
            && !NodeExporterDifferences.NotIn112.ContainsKey(f.Name)
            && !NodeExporterDifferences.NotComparable.ContainsKey(f.Name));

    [ToolFact(NodeExporterProcess.Tool)]
    public async Task Every_node_family_is_there_with_the_same_type_and_label_names()
    {
        var scrapes = await ScrapeSideBySideAsync();
        var problems = new List<string>();
        foreach (var theirs in ComparableFamilies(scrapes.Before))
        {
            if (!scrapes.Agent.TryGetValue(theirs.Name, out var ours) || ours.Samples.Count == 0)
            {
                problems.Add($"{theirs.Name}: missing");
                continue;
            }

            if (ours.Type != theirs.Type)
            {
                problems.Add($"{theirs.Name}: type {ours.Type}, node_exporter has {theirs.Type}");
            }

            var expected = NodeExporterDifferences.ExpectedLabels(theirs.Name, theirs.LabelNames);
            if (!ours.LabelNames.SetEquals(expected))
            {
                problems.Add($"{theirs.Name}: labels [{string.Join(",", ours.LabelNames.Order())}], expected [{string.Join(",", expected.Order())}]");
            }
        }

        Assert.True(problems.Count == 0, "differences from node_exporter:\n" + string.Join("\n", problems));
    }

    [ToolFact(NodeExporterProcess.Tool)]
    public async Task Every_series_node_exporter_serves_in_both_its_scrapes_is_served()
    {
        // A series node_exporter served before and after ours is this machine's (a disk, an interface, a mount, a
        // collector's success), not one that came or went between the scrapes: NodeAgent must serve it too.
        var scrapes = await ScrapeSideBySideAsync();
        var problems = new List<string>();
        foreach (var theirs in ComparableFamilies(scrapes.Before))
        {
            var later = scrapes.After.GetValueOrDefault(theirs.Name)?.Samples.Select(s => s.LabelKey).ToHashSet(StringComparer.Ordinal) ?? [];
            var ours = scrapes.Agent.GetValueOrDefault(theirs.Name)?.Samples ?? [];
            foreach (var sample in theirs.Samples.Where(s => later.Contains(s.LabelKey)
                && !NodeExporterDifferences.IsSeriesOnlyIn150(theirs.Name, s.LabelKey) && !NodeExporterDifferences.IsDebianOnly(s)))
            {
                if (!ours.Any(o => NodeExporterDifferences.SameSeries(theirs.Name, o.LabelKey, sample.LabelKey)))
                {
                    problems.Add($"{theirs.Name}{{{sample.LabelKey}}}: not served by NodeAgent");
                }
            }
        }

        Assert.True(problems.Count == 0, "series node_exporter serves and NodeAgent does not:\n" + string.Join("\n", problems));
    }

    [ToolFact(NodeExporterProcess.Tool)]
    public async Task Static_values_are_equal()
    {
        var scrapes = await ScrapeSideBySideAsync();
        foreach (var name in new[] { "node_memory_MemTotal_bytes", "node_boot_time_seconds", "node_network_mtu_bytes", "node_filesystem_size_bytes", "node_filesystem_files", "node_memory_SwapTotal_bytes" })
        {
            var theirs = scrapes.Before[name].Samples.ToDictionary(s => s.LabelKey, s => s.Value);
            var ours = scrapes.Agent[name].Samples.ToDictionary(s => s.LabelKey, s => s.Value);
            foreach (var (key, value) in theirs.Where(t => !NodeExporterDifferences.IsSeriesOnlyIn150(name, t.Key)))
            {
                var ourKey = ours.Keys.SingleOrDefault(k => NodeExporterDifferences.SameSeries(name, k, key));
                Assert.True(ourKey is not null, $"{name}{{{key}}} missing from NodeAgent");
                Assert.Equal(value, ours[ourKey!]);
            }
        }

        var idle = scrapes.Agent["node_cpu_seconds_total"].Samples.Count(s => s.Labels["mode"] == "idle");
        Assert.Equal(scrapes.Before["node_cpu_seconds_total"].Samples.Count(s => s.Labels["mode"] == "idle"), idle);
    }

    [ToolFact(NodeExporterProcess.Tool)]
    public async Task Counters_lie_between_two_node_exporter_scrapes_and_still_gauges_within_one_percent()
    {
        var scrapes = await ScrapeSideBySideAsync();
        var problems = new List<string>();
        foreach (var before in ComparableFamilies(scrapes.Before).Where(f => !NodeExporterDifferences.Volatile.ContainsKey(f.Name)))
        {
            if (!scrapes.Agent.TryGetValue(before.Name, out var ours) || !scrapes.After.TryGetValue(before.Name, out var after))
            {
                continue;
            }

            var afterByKey = after.Samples.GroupBy(s => s.LabelKey).ToDictionary(g => g.Key, g => g.First().Value);
            foreach (var sample in before.Samples)
            {
                var ourSample = ours.Samples.FirstOrDefault(s => NodeExporterDifferences.SameSeries(before.Name, s.LabelKey, sample.LabelKey));
                if (ourSample is null || !afterByKey.TryGetValue(sample.LabelKey, out var later))
                {
                    continue;
                }

                var (low, high) = (Math.Min(sample.Value, later), Math.Max(sample.Value, later));
                var ok = before.Type switch
                {
                    _ when NodeExporterDifferences.SuccessDiffers(ourSample, sample.Value) => true,
                    "counter" => ourSample.Value >= low - 1e-9 && ourSample.Value <= high + 1e-9,
                    "gauge" when sample.Value == later => Math.Abs(ourSample.Value - sample.Value) <= Math.Abs(sample.Value) * 0.01 + 1e-9,
                    _ => true,
                };
                if (!ok)
                {
                    problems.Add($"{before.Name}{{{sample.LabelKey}}}: NodeAgent {ourSample.Value}, node_exporter {sample.Value} then {later}");
                }
            }
        }

        Assert.True(problems.Count == 0, "values outside node_exporter's:\n" + string.Join("\n", problems));
    }
}
