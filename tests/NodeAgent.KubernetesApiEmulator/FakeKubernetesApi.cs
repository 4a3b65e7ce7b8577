using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>An in-process stand-in for kube-apiserver on a loopback Kestrel port: list and watch of pods and
/// namespaces with the real server's resourceVersion, pagination, bookmark and 410 semantics, the discovery kubectl
/// needs, bearer tokens, and faults a test can inject. Objects are plain JSON. Thread-safe.</summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeState _state;

    private FakeKubernetesApi(WebApplication app, FakeState state, Uri baseUrl, string? certificatePem)
    {
        _app = app;
        _state = state;
        BaseUrl = baseUrl;
        CertificatePem = certificatePem;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>With <see cref="FakeKubernetesApiOptions.Tls"/>: the self-signed certificate served, in PEM (its own CA).</summary>
    public string? CertificatePem { get; }

    public FakeKubernetesApiOptions Options => _state.Options;

    public string CurrentResourceVersion => ResourceType.Rv(_state.Store.CurrentResourceVersion);

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.Requests.Snapshot();

    public int OpenWatchCount => _state.Watches.Count;

    public static async Task<FakeKubernetesApi> StartAsync(FakeKubernetesApiOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new FakeKubernetesApiOptions();
        var state = new FakeState(options, TimeProvider.System);
        var certificate = options.Tls ? NodeAgent.TestSupport.TestCertificate.Create("node-agent-test-kube-apiserver") : null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.Run(context => RequestRouter.HandleAsync(context, state));
        await app.StartAsync(cancellation);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeKubernetesApi(app, state, new Uri(address.EndsWith('/') ? address : address + "/"), certificate?.ExportCertificatePem());
    }

    /// <summary>Creates (ADDED) or replaces (MODIFIED) the pod at its metadata.namespace/name; sets uid and
    /// creationTimestamp when absent. Returns the new resourceVersion.</summary>
    public string UpsertPod(JsonObject pod) => Rv(_state.Store.Upsert(ResourceType.Pods, pod));

    /// <summary>Removes the pod at once (as after its graceful deletion completed): one DELETED event with its last
    /// state and a new resourceVersion, which is returned; null when there was no such pod.</summary>
    public string? DeletePod(string ns, string name) => _state.Store.Delete(ResourceType.Pods, ns + "/" + name) is { } gone ? Rv(gone) : null;

    /// <summary>Creates or relabels an Active namespace, with the <c>kubernetes.io/metadata.name</c> label the
    /// server adds to every namespace. Returns the new resourceVersion.</summary>
    public string UpsertNamespace(string name, IDictionary<string, string>? labels = null)
    {
        var allLabels = new JsonObject { ["kubernetes.io/metadata.name"] = name };
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            allLabels[key] = value;
        }

        return Rv(_state.Store.Upsert(ResourceType.Namespaces, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = allLabels },
            ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
            ["status"] = new JsonObject { ["phase"] = "Active" },
        }));
    }

    /// <summary>Removes the namespace at once (no Terminating phase; its pods stay). Null when there was none.</summary>
    public string? DeleteNamespace(string name) => _state.Store.Delete(ResourceType.Namespaces, name) is { } gone ? Rv(gone) : null;

    /// <summary>The stored pod, as a GET returns it; null when absent.</summary>
    public JsonObject? GetPod(string ns, string name) => _state.Store.Get(ResourceType.Pods, ns + "/" + name)?.ToJsonObject();

    /// <summary>Forgets the change history up to now: a watch from an older resourceVersion gets an ERROR event with a
    /// 410 Expired Status, a continue token from before gets HTTP 410.</summary>
    public void Compact() => _state.Store.Compact();

    /// <summary>Aborts every open watch connection mid-stream (no terminating chunk).</summary>
    public void DropWatches() => _state.Watches.AbortAll();

    /// <summary>Until the result is disposed, new watch requests wait unanswered (lists are served): what a test changes
    /// meanwhile, a client can learn only once the hold ends, e.g. a history compacted before it could resume.</summary>
    public IDisposable HoldWatches() => _state.Watches.Hold();

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="statusCode"/> with a Status body
    /// (429 also with <c>Retry-After: 1</c>), after authentication.</summary>
    public void FailNextRequests(int count, int statusCode) => _state.Faults.FailNext(count, statusCode);

    /// <summary>Completes with the first request, past or future, that matches; throws TimeoutException listing what
    /// was received otherwise.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> predicate, TimeSpan timeout) =>
        _state.Requests.WaitForAsync(predicate, timeout);

    /// <summary>Writes a kubeconfig pointing at this server, with <paramref name="token"/> (default: the configured one)
    /// and, over TLS, the certificate as certificate-authority-data.</summary>
    public void WriteKubeconfig(string path, string? token = null, string context = "fake") =>
        File.WriteAllText(path, Kubeconfig.Render(BaseUrl, token ?? Options.Token, context, CertificatePem));

    public async ValueTask DisposeAsync()
    {
        _state.Stop();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _state.Dispose();
    }

    private static string Rv(StoredObject stored) => ResourceType.Rv(stored.ResourceVersion);
}
