using System.Diagnostics;
using System.Text.Json;

namespace NodeAgent.EndToEnd.Support;

/// <summary>Debian's Prometheus server (installed by tests/run-all.sh) scraping one target every second, with its
/// HTTP API on loopback port 0 (the port is the one it says it bound; it is up once /-/ready answers as Prometheus) and
/// its TSDB in a temporary directory.</summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http = new();

    private PrometheusServer(Process process, string directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static Task<PrometheusServer> StartAsync(Uri target) => StartAsync($"""
          - job_name: node
            static_configs:
              - targets: ["{target.Authority}"]
        """);

    /// <param name="scrapeConfigs">The items of <c>scrape_configs</c>, in YAML, indented by two spaces.</param>
    public static async Task<PrometheusServer> StartAsync(string scrapeConfigs)
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
            {scrapeConfigs}
            """);
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", "--web.listen-address=127.0.0.1:0" })
        {
            info.ArgumentList.Add(argument);
        }

        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (ServerReadiness.ToolkitListeningLine(output) is { } address && await ServerReadiness.AnswersAsync(http, new Uri(address, "/-/ready"), "Prometheus Server is Ready."))
            {
                return new PrometheusServer(process, directory, address);
            }

            await Task.Delay(100);
        }

        await using (new PrometheusServer(process, directory, new Uri("http://127.0.0.1")))
        {
            throw new TimeoutException("Prometheus did not start:\n" + string.Join('\n', output));
        }
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
