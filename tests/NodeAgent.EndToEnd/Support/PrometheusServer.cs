using System.Diagnostics;
using System.Text.Json;

namespace NodeAgent.EndToEnd.Support;

/// <summary>Debian's Prometheus server (installed by tests/run-all.sh) scraping one target every second, with its
/// HTTP API on a free loopback port and its TSDB in a temporary directory.</summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    public static async Task<PrometheusServer> StartAsync(Uri target)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: run tests/run-all.sh, which installs prometheus");
        var directory = Path.Combine(Path.GetTempPath(), "nodeagent-prometheus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: node
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var port = AgentProcess.FreeLoopbackPort();
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return new PrometheusServer(process, directory, port);
    }

    /// <summary>Evaluates an instant query until it returns one sample satisfying the condition, or times out.</summary>
    public async Task<double> QueryUntilAsync(string promql, Func<double, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var json = await _http.GetStringAsync(new Uri(BaseAddress, "/api/v1/query?query=" + Uri.EscapeDataString(promql)));
                using var doc = JsonDocument.Parse(json);
                var result = doc.RootElement.GetProperty("data").GetProperty("result");
                last = result.GetRawText();
                if (result.GetArrayLength() == 1)
                {
                    var value = double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                    if (condition(value))
                    {
                        return value;
                    }
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{promql}: condition not met within {timeout.TotalSeconds}s; last result: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup.
        }
    }
}
