using System.Collections.Concurrent;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>Which files the real loop reads: include globs, minus excludes, never kubelet's rotated names.</summary>
public sealed class DiscoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class CollectingOutput(Acknowledgements acknowledgements) : ILogOutput
    {
        public ConcurrentBag<(string Path, string Message)> Received { get; } = [];

        public ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
        {
            foreach (var record in batch.Records)
            {
                Received.Add((batch.Tail.Path, System.Text.Encoding.UTF8.GetString(record.Message.Span)));
                acknowledgements.Delivered(batch.Tail, record);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellation) => ValueTask.CompletedTask;
    }

    private static string Line(string message) => $"2026-11-28T10:15:00.000000001Z stdout F {message} (padded to be longer than a fingerprint)\n";

    [Fact]
    public async Task Reads_included_files_but_not_excluded_or_rotated_ones()
    {
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("live"));
        _dir.Write("pods/shop_web_1/nginx/0.log.20261128-101500", Line("rotated"));
        _dir.Write("pods/shop_web_1/nginx/0.log.20261128-091500.gz", "not text");
        _dir.Write("pods/kube-system_dns_2/coredns/0.log", Line("excluded"));
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/**/*", $"--Logs:Exclude:0={_dir.Path}/pods/kube-system_*/**", $"--Logs:StatePath={_dir.Path}/state");
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new CollectingOutput(new Acknowledgements(budget));
        using var server = TailingHarness.Server(options, output, budget);

        await server.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (output.Received.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(1000);
        await server.StopAsync(CancellationToken.None);

        var received = Assert.Single(output.Received);
        Assert.Equal(Path.Combine(_dir.Path, "pods/shop_web_1/nginx/0.log"), received.Path);
        Assert.StartsWith("live", received.Message, StringComparison.Ordinal);
    }
}
