using System.Text.Json;
using NodeAgent.Delivery;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>The documents the real loop makes name the configured target: Elasticsearch keeps a data stream's
/// <c>data_stream.*</c> constant and refuses documents that name another.</summary>
public sealed class DocumentTargetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<JsonElement> FirstDocumentAsync(params string[] arguments)
    {
        _dir.Write("pods/shop_web-0_1/nginx/0.log", "2026-11-28T10:15:00.000000001Z stdout F a line long enough for a fingerprint of the file\n");
        var options = TailingHarness.Options([$"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", .. arguments]);
        var budget = new BufferBudget(options.Logs.MaxBufferedBytes);
        var output = new TestOutput();
        using var server = TailingHarness.Server(options, output, budget);
        await server.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => !output.Delivered.IsEmpty, "a document");
        await server.StopAsync(CancellationToken.None);
        Assert.True(output.Delivered.TryPeek(out var delivery));
        return delivery.Document;
    }

    [Fact]
    public async Task Documents_name_the_configured_data_stream()
    {
        var document = await FirstDocumentAsync("--Elasticsearch:DataStream=logs-myapp-prod");

        var dataStream = document.GetProperty("data_stream");
        Assert.Equal("logs", dataStream.GetProperty("type").GetString());
        Assert.Equal("myapp", dataStream.GetProperty("dataset").GetString());
        Assert.Equal("prod", dataStream.GetProperty("namespace").GetString());
        Assert.Equal("myapp", document.GetProperty("event").GetProperty("dataset").GetString());
    }

    [Fact]
    public async Task Documents_for_an_index_name_no_data_stream()
    {
        var document = await FirstDocumentAsync("--Elasticsearch:Index=app-logs");

        Assert.False(document.TryGetProperty("data_stream", out _));
        Assert.Equal("kubernetes.container_logs", document.GetProperty("event").GetProperty("dataset").GetString());
        Assert.Equal("web-0", document.GetProperty("kubernetes").GetProperty("pod").GetProperty("name").GetString());
    }
}
