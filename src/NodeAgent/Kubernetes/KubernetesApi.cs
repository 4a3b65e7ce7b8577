using System.Net.Http.Headers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NodeAgent.Remote;
using NodeAgent.Telemetry;
using k8s;

namespace NodeAgent.Kubernetes;

/// <summary>
/// The HTTP side of the API server, set up by the official client's configuration (<see cref="KubernetesClientConfiguration"/>):
/// the pod's service account in a cluster (its token re-read from the projected file, which kubelet rotates hourly)
/// or a kubeconfig (token, basic auth, client certificate, exec plugin; its CA or insecure-skip-tls-verify). Requests
/// are plain GETs with the caller's deadline: a watch stays open for minutes, so no whole-request timeout applies.
/// </summary>
internal sealed class KubernetesApi : IDisposable
{
    private readonly KubernetesClientConfiguration _config;
    private readonly HttpClient _http;

    public KubernetesApi(KubernetesClientConfiguration config)
    {
        _config = config;
        BaseUri = new Uri(config.Host.TrimEnd('/') + "/");
        _http = new HttpClient(Handler(config), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("node-agent/" + AgentVersion.Current);
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
    }

    public Uri BaseUri { get; }

    /// <summary>From Kubernetes:Kubeconfig, or the pod's service account.</summary>
    public static KubernetesApi Create(KubernetesOptions options) => new(options.Kubeconfig is { } path
        ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
        : KubernetesClientConfiguration.InClusterConfig());

    /// <summary>GET <paramref name="pathAndQuery"/> (relative to the server, e.g. <c>api/v1/pods?limit=500</c>);
    /// returns once the headers are in, the body still streaming.</summary>
    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, pathAndQuery));
        request.Headers.Authorization = await AuthorizationAsync(cancellation);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
    }

    public void Dispose() => _http.Dispose();

    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(CancellationToken cancellation)
    {
        if (_config.TokenProvider is { } provider)
        {
            return await provider.GetAuthenticationHeaderAsync(cancellation);
        }

        if (!string.IsNullOrEmpty(_config.AccessToken))
        {
            return new AuthenticationHeaderValue("Bearer", _config.AccessToken);
        }

        if (!string.IsNullOrEmpty(_config.Username))
        {
            var pair = Encoding.UTF8.GetBytes(_config.Username + ":" + _config.Password);
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
        }

        return null;
    }

    private static SocketsHttpHandler Handler(KubernetesClientConfiguration config)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            AutomaticDecompression = DecompressionMethods.GZip,
            // Keep-alive probes find a watch whose connection died silently (a node's NAT entry expired).
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        };
        if (config.SkipTlsVerify)
        {
            // Asked for explicitly by the kubeconfig (insecure-skip-tls-verify).
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (config.SslCaCerts is { Count: > 0 } authorities)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                CertificateTrust.IsTrusted(authorities, certificate, chain, errors);
        }

        if (!string.IsNullOrEmpty(config.TlsServerName))
        {
            handler.SslOptions.TargetHost = config.TlsServerName;
        }

        if (ClientCertificate(config) is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        return handler;
    }

    /// <summary>A kubeconfig's client-certificate(-data) and client-key(-data), PEM (inline data is base64 of it).</summary>
    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        if (!string.IsNullOrEmpty(config.ClientCertificateData) && !string.IsNullOrEmpty(config.ClientCertificateKeyData))
        {
            var certificate = Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData));
            var key = Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData));
            return X509Certificate2.CreateFromPem(certificate, key);
        }

        if (!string.IsNullOrEmpty(config.ClientCertificateFilePath) && !string.IsNullOrEmpty(config.ClientKeyFilePath))
        {
            return X509Certificate2.CreateFromPemFile(config.ClientCertificateFilePath, config.ClientKeyFilePath);
        }

        return null;
    }
}
