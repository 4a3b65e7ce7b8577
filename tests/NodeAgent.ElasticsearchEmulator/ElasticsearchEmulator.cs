using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>An in-process stand-in for a single-node Elasticsearch 8 cluster, on a loopback Kestrel port: the bulk,
/// count, index template and root endpoints, security, and injectable faults. Thread-safe.</summary>
public sealed class ElasticsearchEmulator : IAsyncDisposable
{
    public const string Version = "8.15.0";

    internal const string ProductHeader = "X-Elastic-Product";

    private readonly WebApplication _app;
    private readonly EmulatorState _state;

    private ElasticsearchEmulator(WebApplication app, EmulatorState state, Uri url)
    {
        _app = app;
        _state = state;
        Url = url;
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    public EmulatorOptions Options => _state.Options;

    /// <summary>The faults in force; assign a new value (or use <see cref="UpdateFaults"/>) at any time.</summary>
    public FaultSettings Faults
    {
        get => _state.Faults;
        set => _state.Faults = value;
    }

    public EmulatorStats Stats => _state.Snapshot();

    /// <summary>The bulk requests received (the last 10,000), oldest first: when, with what answer, and which body.</summary>
    public IReadOnlyList<BulkRequestRecord> BulkRequests => _state.BulkRequests.Snapshot();

    /// <summary>With <see cref="EmulatorOptions.Tls"/>: the self-signed certificate it serves, in PEM (its own CA: what
    /// <c>Elasticsearch:CaFile</c> points at).</summary>
    public string? CertificatePem { get; private init; }

    public static async Task<ElasticsearchEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new EmulatorOptions();
        var state = new EmulatorState(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        var certificate = options.Tls ? NodeAgent.TestSupport.TestCertificate.Create("node-agent-test-elasticsearch") : null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
            // Elasticsearch's http.max_content_length is 100mb; the agent's batches are far below it.
            kestrel.Limits.MaxRequestBodySize = 100L << 20;
        });
        var app = builder.Build();
        app.Run(context => RequestRouter.HandleAsync(context, state));
        await app.StartAsync(cancellation);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ElasticsearchEmulator(app, state, new Uri(address.EndsWith('/') ? address : address + "/"))
        {
            CertificatePem = certificate?.ExportCertificatePem(),
        };
    }

    /// <summary>Changes some faults atomically against concurrent changes: <c>UpdateFaults(f => f with { ... })</c>.</summary>
    public void UpdateFaults(Func<FaultSettings, FaultSettings> change) => _state.UpdateFaults(change);

    /// <summary>Documents, templates, counters and faults back to a fresh start.</summary>
    public void Reset() => _state.Reset();

    /// <summary>Number of documents in a data stream or index (0 when it does not exist).</summary>
    public int Count(string target) => _state.Store.Find(target)?.Count ?? 0;

    public bool Exists(string target) => _state.Store.Find(target) is not null;

    public bool IsDataStream(string target) => _state.Store.Find(target)?.IsDataStream ?? false;

    /// <summary>The concrete index bulk items name: <c>.ds-{stream}-{date}-000001</c> for a data stream.</summary>
    public string? WriteIndex(string target) => _state.Store.Find(target)?.WriteIndex;

    /// <summary>Ids in the order they were (last) written.</summary>
    public IReadOnlyList<string> Ids(string target) =>
        _state.Store.Find(target)?.Snapshot().Select(d => d.Key).ToList() ?? [];

    /// <summary>The sources, parsed, in the order they were (last) written. Not available in count-only mode.</summary>
    public IReadOnlyList<JsonElement> Documents(string target) =>
        _state.Store.Find(target)?.Snapshot().Select(d => Parse(d.Value)).ToList() ?? [];

    /// <summary>One source by id, parsed; null when not stored.</summary>
    public JsonElement? Document(string target, string id) =>
        _state.Store.Find(target) is { } index && index.Contains(id) ? Parse(index.Source(id)) : null;

    /// <summary>One source exactly as received; null when not stored.</summary>
    public ReadOnlyMemory<byte>? RawDocument(string target, string id)
    {
        var index = _state.Store.Find(target);
        if (index is null || !index.Contains(id))
        {
            return null;
        }

        return index.Source(id) ?? throw CountOnlyError();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal static void AddRetryAfter(HttpContext context, FaultSettings faults)
    {
        if (faults.RetryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(delay.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
    }

    private JsonElement Parse(byte[]? source)
    {
        if (source is null)
        {
            throw CountOnlyError();
        }

        using var document = JsonDocument.Parse(source);
        return document.RootElement.Clone();
    }

    private InvalidOperationException CountOnlyError() =>
        new($"the emulator at {Url} runs in count-only mode and keeps ids, not sources");
}
