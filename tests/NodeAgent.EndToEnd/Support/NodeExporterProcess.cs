using System.Collections.Concurrent;
using System.Diagnostics;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.EndToEnd.Support;

/// <summary>Debian's prometheus-node-exporter (installed by tests/run-all.sh; tests that start it are
/// <c>[ToolFact(NodeExporterProcess.Tool)]</c>) on loopback port 0: the port is the one it says it bound, and it is up
/// once that port answers with node_exporter's own landing page.</summary>
internal sealed class NodeExporterProcess : IAsyncDisposable
{
    /// <summary>The program's name on PATH, which is also its Debian package's.</summary>
    public const string Tool = "prometheus-node-exporter";

    private readonly Process _process;

    private NodeExporterProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<NodeExporterProcess> StartAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(RequiredTool.Path(Tool)) { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("--web.listen-address=127.0.0.1:0");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 200 && !process.HasExited; i++)
        {
            if (ServerReadiness.ToolkitListeningLine(output) is { } address && await ServerReadiness.AnswersAsync(http, address, "<title>Node Exporter</title>"))
            {
                return new NodeExporterProcess(process, address);
            }

            await Task.Delay(50);
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
        throw new TimeoutException("node_exporter did not start:\n" + string.Join('\n', output));
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
