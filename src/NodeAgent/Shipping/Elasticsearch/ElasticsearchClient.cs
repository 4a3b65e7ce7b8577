using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NodeAgent.Remote;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>What one HTTP exchange with the cluster gave: a status and body, or a transport failure. Disposing it gives
/// the array behind <see cref="Body"/> back to the shared pool: a bulk answer of a few thousand items is a few hundred
/// KiB, and a new array for each was garbage on the large object heap.</summary>
/// <param name="Product">The <c>X-Elastic-Product</c> header (Elasticsearch 7.14 and later send "Elasticsearch").</param>
internal sealed record BulkExchange(HttpStatusCode? Status, ReadOnlyMemory<byte> Body, TimeSpan? RetryAfter, string? Failure, string Url, string? Product = null) : IDisposable
{
    private byte[]? _rented;

    /// <summary>The pooled array <see cref="Body"/> lies in; the body must not be read once this is disposed.</summary>
    public byte[]? Rented { init => _rented = value; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}

/// <summary>
/// The HTTP side: one <see cref="HttpClient"/> over a <see cref="SocketsHttpHandler"/> (pooled keep-alive connections,
/// recycled every few minutes so DNS changes are seen), no retry handler (ARCHITECTURE.md: a resilience handler
/// retrying a POST would resend a bulk body the output is already retrying item by item), basic or API-key auth
/// (secrets read from their files at each request, so a rotated Secret is picked up), TLS trust from a CA file, gzip
/// bodies, and failover: requests go round-robin over <c>Elasticsearch:Urls</c>, and a URL that failed is skipped for a
/// while.
/// </summary>
internal sealed class ElasticsearchClient : IDisposable
{
    private const string FilterPath = "errors,items.*.status,items.*.error.type,items.*.error.reason";

    /// <summary>The longest one exchange may take, from sending the request to the last byte of the answer.</summary>
    private static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>An answer is read up to this size: with filter_path, a bulk answer is about 20 bytes per item (a few
    /// MiB even with an error per item); a server or proxy that sends more is not heard out into memory.</summary>
    public const int MaxAnswerBytes = 32 << 20;
    private static readonly TimeSpan SkipFailedFor = TimeSpan.FromSeconds(10);

    private readonly ElasticsearchOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly TimeSpan _requestTimeout;
    private readonly string _target;
    private readonly DateTimeOffset[] _failedUntil;
    private int _next;
    private long _bytesSent;
    private long _bytesSentCompressed;

    public ElasticsearchClient(ElasticsearchOptions options, TimeProvider time)
        : this(options, time, DefaultRequestTimeout)
    {
    }

    /// <param name="requestTimeout">Not a configuration key: tests shorten it to see a stalled answer given up.</param>
    /// <param name="handler">The transport; null for the real one (tests give a fake server's).</param>
    internal ElasticsearchClient(ElasticsearchOptions options, TimeProvider time, TimeSpan requestTimeout, HttpMessageHandler? handler = null)
    {
        _options = options;
        _time = time;
        _requestTimeout = requestTimeout;
        _target = Uri.EscapeDataString(options.Index ?? options.DataStream);
        Pattern = IndexPattern.TryParse(options.Index);
        _failedUntil = new DateTimeOffset[options.Urls.Count];
        // HttpClient.Timeout would end at the response headers (ResponseHeadersRead): the body could then stall a
        // delivery worker forever. ExchangeAsync keeps one deadline over the whole exchange instead.
        _http = new HttpClient(handler ?? Transport(options)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static SocketsHttpHandler Transport(ElasticsearchOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.GZip,
        };
        if (options.InsecureSkipVerify)
        {
            // Asked for explicitly (Elasticsearch:InsecureSkipVerify, documented as for tests only).
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (options.CaFile is { } caFile)
        {
            var authority = X509CertificateLoader.LoadCertificateFromFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                CertificateTrust.IsTrusted(authority, certificate, chain, errors);
        }

        return handler;
    }

    /// <summary>A date pattern in <c>Elasticsearch:Index</c>: each action then names its index.</summary>
    public IndexPattern? Pattern { get; }

    /// <summary>The data stream or index documents go to.</summary>
    public string Target => Uri.UnescapeDataString(_target);

    /// <summary>Who the cluster is asked as, for messages (never a secret).</summary>
    public string Principal => _options.Username is { } user ? $"user '{user}'" : _options.ApiKey is not null || _options.ApiKeyFile is not null ? "the API key" : "anonymous";

    /// <summary>GET / on the first URL that answers: the cluster's version and whether it says it is Elasticsearch.</summary>
    public async Task<BulkExchange> InfoAsync(CancellationToken cancellation)
    {
        var url = PickUrl();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, "/"));
        return await ExchangeAsync(request, url, cancellation);
    }

    /// <summary>Sends a request's body as it was built: gzip when <c>Elasticsearch:Compression=gzip</c> (the
    /// batcher compresses while it builds, see <see cref="GzipBody"/>), else plain NDJSON.</summary>
    public Task<BulkExchange> BulkAsync(BulkRequest bulk, CancellationToken cancellation) =>
        SendAsync(bulk.Wire, bulk.IsCompressed, bulk.Bytes, cancellation);

    /// <summary>Sends plain NDJSON (tests of the transport).</summary>
    public Task<BulkExchange> BulkAsync(ReadOnlyMemory<byte> ndjson, CancellationToken cancellation) =>
        SendAsync(ndjson, gzip: false, ndjson.Length, cancellation);

    private async Task<BulkExchange> SendAsync(ReadOnlyMemory<byte> wire, bool gzip, int ndjsonBytes, CancellationToken cancellation)
    {
        var url = PickUrl();
        // filter_path: only what is read of the answer (a full item is ~250 bytes of JSON per document to parse).
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, Pattern is null ? $"/{_target}/_bulk?filter_path={FilterPath}" : $"/_bulk?filter_path={FilterPath}"));
        var content = new ReadOnlyMemoryContent(wire);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        request.Content = content;
        Interlocked.Add(ref _bytesSentCompressed, wire.Length);
        Interlocked.Add(ref _bytesSent, ndjsonBytes);
        return await ExchangeAsync(request, url, cancellation);
    }

    /// <summary>Uncompressed bulk bytes sent (what <c>Elasticsearch:MaxBatchBytes</c> caps).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Bytes on the wire (gzip when on).</summary>
    public long BytesSentCompressed => Interlocked.Read(ref _bytesSentCompressed);

    private async Task<BulkExchange> ExchangeAsync(HttpRequestMessage request, Uri url, CancellationToken cancellation)
    {
        if (Authorize(request) is { } unreadable)
        {
            // Not the server's fault (a Secret being re-projected, a wrong path): the URL is not marked failed.
            return new BulkExchange(null, default, null, unreadable, url.GetLeftPart(UriPartial.Authority));
        }

        // One deadline for the whole exchange, the body included: a server or proxy that sends the headers and then
        // stalls must cost one timeout, not a delivery worker (or, for GET /, the connection) for good.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(_requestTimeout);
        HttpStatusCode? status = null;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = response.StatusCode;
            if (await ReadCappedAsync(response.Content, deadline.Token) is not { } answer)
            {
                MarkFailed(url);
                return new BulkExchange(null, default, null, $"the answer is larger than {MaxAnswerBytes >> 20} MiB (not an Elasticsearch answer to what was sent)", url.GetLeftPart(UriPartial.Authority));
            }

            var retryAfter = response.Headers.RetryAfter is { } after
                ? after.Delta ?? (after.Date is { } date ? date - _time.GetUtcNow() : null)
                : null;
            if ((int)response.StatusCode >= 500)
            {
                MarkFailed(url);
            }

            var product = response.Headers.TryGetValues("X-Elastic-Product", out var values) ? values.FirstOrDefault() : null;
            return new BulkExchange(response.StatusCode, answer.Rented.AsMemory(0, answer.Length), retryAfter, null, url.GetLeftPart(UriPartial.Authority), product) { Rented = answer.Rented };
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
            // Not the caller's own cancellation (the agent stopping): that is not the server's fault, and propagates.
            MarkFailed(url);
            var reason = e is OperationCanceledException
                ? $"no answer within {_requestTimeout.TotalSeconds:0.###} s" + (status is { } headers ? $" (status {(int)headers} and headers came, the body did not end)" : "")
                : e.Message;
            return new BulkExchange(null, default, null, reason, url.GetLeftPart(UriPartial.Authority));
        }
    }

    /// <returns>Null, or why a secret file could not be read (the request is then not sent).</returns>
    private string? Authorize(HttpRequestMessage request)
    {
        try
        {
            if (_options.Username is { } user)
            {
                var password = _options.PasswordFile is { } file ? File.ReadAllText(file).TrimEnd('\r', '\n') : _options.Password ?? "";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
            }
            else if ((_options.ApiKeyFile is { } keyFile ? File.ReadAllText(keyFile).Trim() : _options.ApiKey) is { Length: > 0 } key)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", key);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var key = _options.Username is not null ? "Elasticsearch:PasswordFile" : "Elasticsearch:ApiKeyFile";
            return $"cannot read {key} ({e.Message})";
        }
    }

    private Uri PickUrl()
    {
        var now = _time.GetUtcNow();
        lock (_failedUntil)
        {
            for (var tried = 0; tried < _options.Urls.Count; tried++)
            {
                var index = _next++ % _options.Urls.Count;
                if (_failedUntil[index] <= now)
                {
                    return _options.Urls[index];
                }
            }

            // All failed recently: try them in turn anyway; the caller backs off between attempts.
            return _options.Urls[_next++ % _options.Urls.Count];
        }
    }

    /// <summary>The whole body in an array rented from the shared pool (its length beside it), or null when it is longer
    /// than <see cref="MaxAnswerBytes"/> (decompressed).</summary>
    private static async Task<(byte[] Rented, int Length)?> ReadCappedAsync(HttpContent content, CancellationToken cancellation)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellation);
        // Sized by Content-Length when the server sends one (Elasticsearch does, uncompressed); one byte more, so the
        // end of the body is seen without growing the array.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp((content.Headers.ContentLength ?? 0) + 1, 16 * 1024, MaxAnswerBytes + 1L));
        var length = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellation)) > 0)
            {
                length += read;
                if (length > MaxAnswerBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxAnswerBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return (buffer, length);
    }

    private void MarkFailed(Uri url)
    {
        lock (_failedUntil)
        {
            for (var i = 0; i < _options.Urls.Count; i++)
            {
                if (_options.Urls[i] == url)
                {
                    _failedUntil[i] = _time.GetUtcNow() + SkipFailedFor;
                }
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
