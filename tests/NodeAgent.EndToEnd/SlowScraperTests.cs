using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>A scraper that stops reading (a hung Prometheus, a tenant holding connections open) delays no other
/// scrape, and the agent drops it instead of holding its response forever.</summary>
public sealed class SlowScraperTests
{
    // About 6 MB of textfile series: more than the kernel takes into the socket buffers of a client that never reads
    // (the agent's send buffer grows to net.ipv4.tcp_wmem's 4 MiB on loopback), so the rest waits in the agent.
    private const int Series = 90_000;

    [Fact]
    public async Task A_client_that_never_reads_delays_no_other_scrape_and_is_cut_off()
    {
        var textfiles = Path.Combine(Path.GetTempPath(), "nodeagent-e2e-textfile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(textfiles);
        try
        {
            WriteTextfile(Path.Combine(textfiles, "big.prom"));
            using var config = new AgentConfig(json =>
            {
                json["Logs"]!["Enabled"] = false;
                json["Metrics"] = new JsonObject { ["TextfileDirectory"] = textfiles };
            });
            await using var agent = await config.StartAgentAsync();

            using var stuck = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            await stuck.ConnectAsync(IPAddress.Loopback, config.Port);
            await stuck.SendAsync(Encoding.ASCII.GetBytes($"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{config.Port}\r\n\r\n"));
            var responseStarted = await WaitForFirstBytesAsync(stuck, TimeSpan.FromSeconds(60));

            // The socket buffers fill within milliseconds; from then on the agent's write of that body waits.
            await Task.Delay(TimeSpan.FromSeconds(1));
            using var plain = new HttpClient { BaseAddress = config.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var gzip = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip })
            {
                BaseAddress = config.BaseAddress,
                Timeout = TimeSpan.FromSeconds(10),
            };
            foreach (var http in new[] { plain, gzip, plain, gzip })
            {
                var timer = Stopwatch.StartNew();
                var text = await http.GetStringAsync(new Uri("/metrics?collect[]=loadavg", UriKind.Relative));
                timer.Stop();
                Assert.Contains("\nnode_load1 ", text, StringComparison.Ordinal);
                Assert.True(timer.Elapsed < TimeSpan.FromSeconds(1), $"a scrape (gzip: {http == gzip}) took {timer.Elapsed.TotalMilliseconds:F0} ms while another client was not reading");
            }

            // A full scrape, the same multi-MB body, is served too.
            var full = await gzip.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains($"test_series{{index=\"{Series - 1:D6}\"", full, StringComparison.Ordinal);

            // The stuck client is cut off, its buffer freed: within the 10 s grace plus what the socket buffers took
            // (up to 4 MiB) at 256 KiB/s, about 30 s at most. What it reads then is whatever sat in the socket
            // buffers and the end of the connection, never the whole body.
            Assert.True(await WaitUntilAgentClosesAsync(stuck, config.Port, TimeSpan.FromSeconds(60)), "the agent still held the connection of a client that stopped reading 60 s ago");
            var cutOffAfter = responseStarted.Elapsed;
            Assert.True(cutOffAfter > TimeSpan.FromSeconds(10), $"cut off {cutOffAfter.TotalSeconds:F1} s after its response began, within the grace period");
            var (received, expected) = await ReadUntilClosedAsync(stuck, TimeSpan.FromSeconds(30));
            Assert.True(received < expected, $"the client that stopped reading still got the whole response ({received} bytes)");
        }
        finally
        {
            Directory.Delete(textfiles, recursive: true);
        }
    }

    private static void WriteTextfile(string path)
    {
        using var writer = new StreamWriter(path);
        writer.Write("# HELP test_series A series that makes the body large.\n# TYPE test_series gauge\n");
        for (var i = 0; i < Series; i++)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"test_series{{index=\"{i:D6}\",pad=\"abcdefghijklmnopqrstuvwxyz\"}} {i}\n"));
        }
    }

    private static async Task<Stopwatch> WaitForFirstBytesAsync(Socket socket, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => socket.Available > 0, "a response to the first scrape", timeout);
        return Stopwatch.StartNew();
    }

    /// <summary>Polls the kernel's table of TCP sockets until the agent's end of <paramref name="client"/>'s connection
    /// is gone or no longer belongs to a process (inode 0: closed by the agent, the kernel still flushing it). Reads
    /// nothing, so the client stays stuck meanwhile.</summary>
    private static Task<bool> WaitUntilAgentClosesAsync(Socket client, int agentPort, TimeSpan timeout)
    {
        var local = $"0100007F:{agentPort:X4}";
        var remote = $"0100007F:{((IPEndPoint)client.LocalEndPoint!).Port:X4}";
        return Eventually.HoldsWithinAsync(() =>
        {
            var agentEnd = File.ReadLines("/proc/net/tcp")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .FirstOrDefault(f => f.Length > 9 && f[1] == local && f[2] == remote);
            return agentEnd is null || agentEnd[9] == "0";
        }, timeout);
    }

    /// <summary>Reads until the agent closes the connection or the whole response has come; returns the bytes read and
    /// the size of the whole response (headers and Content-Length).</summary>
    private static async Task<(long Received, long Expected)> ReadUntilClosedAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        var head = new StringBuilder();
        long received = 0;
        var expected = long.MaxValue;
        try
        {
            while (received < expected)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    break;
                }

                received += read;
                if (expected == long.MaxValue)
                {
                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    expected = ExpectedLength(head.ToString());
                }
            }
        }
        catch (SocketException)
        {
            // A reset: closed too.
        }

        return (received, expected);
    }

    private static long ExpectedLength(string head)
    {
        var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return long.MaxValue;
        }

        var length = head[..end].Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return end + 4 + long.Parse(length["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
