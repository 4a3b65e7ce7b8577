using System.Diagnostics;
using NodeAgent.EndToEnd.Support;

namespace NodeAgent.EndToEnd;

/// <summary>
/// node_exporter's other pcidevice test (collector/pcidevice_linux_test.go): with <c>--collector.pcidevice.names</c>
/// and its fixture pci.ids, the scrape of its sysfs fixture is <c>collector/fixtures/pcidevice-names-output.txt</c>.
/// The agent is started with exactly those node_exporter flags.
/// </summary>
public sealed class NodeExporterPcideviceNamesTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Pcidevice_names_from_pci_ids_are_node_exporters()
    {
        var source = NodeExporterEndToEndTests.FixtureSource();
        var folder = Path.Combine(Path.GetTempPath(), "nodeagent-ne-pci-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // node_exporter's ttar unpacks its sysfs fixture (sys/…) into the temporary folder; shared/ stays untouched.
            var start = new ProcessStartInfo("bash", [Path.Combine(source, "ttar"), "-C", folder, "-x", "-f", Path.Combine(source, "collector/fixtures/sys.ttar")])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using (var ttar = Process.Start(start)!)
            {
                var errors = ttar.StandardError.ReadToEndAsync();
                _ = await ttar.StandardOutput.ReadToEndAsync();
                await ttar.WaitForExitAsync();
                Assert.True(ttar.ExitCode == 0, $"ttar exited with {ttar.ExitCode}: {await errors}");
            }

            await using var agent = AgentProcess.Start(
            [
                "--web.listen-address=127.0.0.1:0", "--collector.disable-defaults", "--collector.pcidevice", "--collector.pcidevice.names",
                $"--collector.pcidevice.idsfile={Path.Combine(source, "collector/fixtures/pci.ids")}", $"--path.sysfs={Path.Combine(folder, "sys")}",
            ]);
            var address = await agent.WaitUntilServingAsync(TimeSpan.FromSeconds(30));
            using var http = new HttpClient();
            var served = await http.GetStringAsync(new Uri(address, "/metrics"));

            var expected = (await File.ReadAllLinesAsync(Path.Combine(source, "collector/fixtures/pcidevice-names-output.txt")))
                .Where(l => l.StartsWith("node_pcidevice_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            var actual = served.Split('\n').Where(l => l.StartsWith("node_pcidevice_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, actual);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
