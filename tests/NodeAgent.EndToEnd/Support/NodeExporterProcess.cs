using System.Diagnostics;

namespace NodeAgent.EndToEnd.Support;

/// <summary>Debian's prometheus-node-exporter (installed by tests/run-all.sh) on a free loopback port.</summary>
internal sealed class NodeExporterProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-node-exporter";

    private readonly Process _process;

    private NodeExporterProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    public static async Task<NodeExporterProcess> StartAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: run tests/run-all.sh, which installs prometheus-node-exporter");
        var port = AgentProcess.FreeLoopbackPort();
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var exporter = new NodeExporterProcess(process, port);
        using var http = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await http.GetStringAsync(new Uri(exporter.BaseAddress, "/"));
                return exporter;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("node_exporter did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
