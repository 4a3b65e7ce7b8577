using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Remote;
using NodeAgent.Telemetry;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// <c>Output:Type=elasticsearch</c> (issue 5): documents go to the <c>_bulk</c> API, and a record is acknowledged only
/// once Elasticsearch has answered for it (DELIVERY.md "What the output must do"):
/// <list type="bullet">
/// <item>Records are encoded during <see cref="SendAsync"/> into the bulk body being built; a body goes out when it
/// reaches <c>Elasticsearch:MaxBatchBytes</c> or its first document is <c>Elasticsearch:FlushInterval</c> old. At most
/// <see cref="MaxInFlight"/> requests are in flight; the others wait in a queue. SendAsync never waits: every body
/// byte is counted in the <see cref="BufferBudget"/> until its request is answered for, and the reader pauses while
/// the budget is full, so the lines stay on disk (bounded memory) and the reading loop keeps running.</item>
/// <item>A record the agent cannot encode (an index date it cannot name) is dead-lettered alone, with the reason.</item>
/// <item>HTTP 200 is never trusted: every item is read. 2xx and 409 (our <c>create</c> replayed) are delivered;
/// 429 and 5xx items are sent again, only they, with exponential backoff and full jitter; other 4xx items are
/// written to the dead-letter file with their error and then acknowledged, so they neither loop nor vanish.</item>
/// <item>A request that gets no answer, a 5xx, a 429 or a 401/403 for the whole request is sent again, as long as it
/// takes, with backoff (honouring Retry-After, clamped); meanwhile /readyz says why.</item>
/// </list>
/// No failure ends a delivery worker: an answer that is not a bulk response, a secret file that cannot be read, or a
/// bug is reported, counted in <c>nodeagent_internal_errors_total{component="elasticsearch"}</c> when unexpected, and
/// the request is sent again with backoff. Per-document warnings are rate-limited, and never written for the agent's
/// own log lines (<see cref="LogBatch.IsOwnLog"/>), so a shipped line cannot make the agent log more lines.
/// Nothing is acknowledged on shutdown that was not answered for: unanswered lines are read again after the restart
/// and their <c>_id</c>s make the replay harmless.
/// </summary>
internal sealed partial class ElasticsearchOutput : BackgroundService, ILogOutput
{
    public const int MaxInFlight = 2;
    private const string Component = "elasticsearch";
    private static readonly TimeSpan FlushCheck = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShutdownFlush = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DocumentWarningInterval = TimeSpan.FromMinutes(1);

    private readonly ElasticsearchOptions _options;
    private readonly ElasticsearchClient _client;
    private readonly DeadLetterFile _deadLetters;
    private readonly ElasticsearchStatistics _statistics;
    private readonly BufferBudget _budget;
    private readonly InternalErrors _errors;
    private readonly LogRateLimit _documentWarnings;
    private readonly AgentHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // Unbounded: what waits here is bounded by the buffer budget, which the reader respects before it reads.
    private readonly Channel<BulkRequest> _ready = Channel.CreateUnbounded<BulkRequest>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Lock _lock = new();
    private readonly BulkRequestPool _pool = new();
    private BulkRequest _building;
    private int _inFlight;
    private string? _lastProblem;

    public ElasticsearchOutput(ElasticsearchOptions options, DeadLetterFile deadLetters, ElasticsearchClient client, ElasticsearchStatistics statistics,
        BufferBudget budget, InternalErrors errors, AgentHealth health, TimeProvider time, ILogger<ElasticsearchOutput> logger)
    {
        _budget = budget;
        _errors = errors;
        _documentWarnings = new LogRateLimit(time, DocumentWarningInterval);
        _options = options;
        _client = client;
        _deadLetters = deadLetters;
        _statistics = statistics;
        _health = health;
        _time = time;
        _logger = logger;
        _health.NotReady(Component, "not connected to Elasticsearch yet");
        _building = _pool.Rent();
    }

    public ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            // Encoded now: the records' bytes are the reader's again once this returns (ILogOutput).
            foreach (var record in batch.Records)
            {
                var before = _building.Bytes;
                if (_building.TryAdd(batch, record, now, _client.Pattern) is { } failure)
                {
                    Unencodable(batch, record, failure);
                    continue;
                }

                _budget.OutputHolds(_building.Bytes - before);
                _statistics.QueueBytes(_building.Bytes - before);
                if (_building.Bytes >= _options.MaxBatchBytes)
                {
                    Enqueue(_building);
                    _building = _pool.Rent();
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Enqueue(BulkRequest request)
    {
        // An unbounded channel takes every write until it is completed, which only disposal does.
        if (!_ready.Writer.TryWrite(request))
        {
            throw new InvalidOperationException("the Elasticsearch output is closed");
        }
    }

    /// <summary>At shutdown: what is built goes out, and in-flight requests get a few seconds to be answered — not more,
    /// and nothing when the cluster is not answering: what is not answered for is read again after the restart (same
    /// ids), while a slow stop would outlast Kubernetes' grace period and end in SIGKILL anyway.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellation)
    {
        if (_lastProblem is not null)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(ShutdownFlush);
        try
        {
            PushBuilding(force: true);
            while ((_ready.Reader.Count > 0 || Volatile.Read(ref _inFlight) > 0) && !deadline.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }
        catch (OperationCanceledException)
        {
            // The deadline: stop without it.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await ConnectAsync(stoppingToken);
        var workers = Enumerable.Range(0, MaxInFlight).Select(_ => WorkAsync(stoppingToken)).ToList();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(FlushCheck, _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            try
            {
                PushBuilding(force: false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Unexpected(e);
            }
        }

        await Task.WhenAll(workers);
    }

    private void PushBuilding(bool force)
    {
        lock (_lock)
        {
            if (_building.Count > 0 && (force || _time.GetUtcNow() - _building.FirstAddedAt >= _options.FlushInterval))
            {
                Enqueue(_building);
                _building = _pool.Rent();
            }
        }
    }

    /// <summary>One delivery worker: runs as long as the agent does, whatever a request or the server does.</summary>
    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        for (var failures = 0; !stoppingToken.IsCancellationRequested; failures++)
        {
            try
            {
                await foreach (var request in _ready.Reader.ReadAllAsync(stoppingToken))
                {
                    Interlocked.Increment(ref _inFlight);
                    try
                    {
                        await DeliverAsync(request, stoppingToken);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _inFlight);
                    }

                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: what was not answered for stays unacknowledged, to be read again after the restart.
                return;
            }
            catch (Exception e)
            {
                // DeliverAsync keeps its request through any failure; this is the last line, for a bug around it.
                Unexpected(e);
                await Task.Delay(Backoff.Delay(failures), _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Sends a request until Elasticsearch has answered for every item (or the agent stops). Any failure on the
    /// way (no answer, an error status, an answer that is not a bulk response, an exception) is a failed attempt: the
    /// request is kept and sent again with backoff, never dropped.</summary>
    private async Task DeliverAsync(BulkRequest request, CancellationToken stoppingToken)
    {
        var pending = request;
        var queued = request.Bytes;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                TimeSpan? retryAfter = null;
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    var exchange = await _client.BulkAsync(pending.Body, stoppingToken);
                    var status = exchange.Status is { } s ? (int)s : 0;
                    _statistics.Request(status == 0 ? "error" : status.ToString(System.Globalization.CultureInfo.InvariantCulture), Stopwatch.GetElapsedTime(started));
                    retryAfter = exchange.RetryAfter;
                    if (RequestProblem(exchange, status) is { } problem)
                    {
                        Problem(problem);
                    }
                    else if (!BulkResponse.TryParse(exchange.Body, pending.Count, out var results, out var malformed))
                    {
                        Problem($"{exchange.Url} answered a bulk request with something that is not a bulk response ({malformed}); sending it again");
                    }
                    else
                    {
                        var retry = Settle(pending, results);
                        _lastProblem = null;
                        _health.Ready(Component);
                        if (retry is not null && retry.Count < pending.Count)
                        {
                            // Progress: the cluster takes documents, it is only busy with some. The wait starts short
                            // again rather than growing towards the cap with every round of a few rejected items.
                            attempt = -1;
                        }

                        Release(pending);
                        if (retry is null)
                        {
                            _statistics.Succeeded();
                            return;
                        }

                        // Only the items Elasticsearch could not take now go again, with the same _id.
                        _budget.OutputHolds(retry.Bytes);
                        pending = retry;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Unexpected(e);
                }

                await Task.Delay(Backoff.Delay(attempt, retryAfter), _time, stoppingToken);
            }
        }
        finally
        {
            _statistics.QueueBytes(-queued);
        }
    }

    /// <summary>A request answered for: its bytes leave the budget and its body goes back to the pool.</summary>
    private void Release(BulkRequest request)
    {
        _budget.OutputReleases(request.Bytes);
        _pool.Return(request);
    }

    private void Unexpected(Exception e)
    {
        _errors.Count(Component);
        Problem($"unexpected failure, retrying: {e.GetType().Name}: {e.Message}");
        if (_documentWarnings.ShouldLog("unexpected", out _))
        {
            Log.UnexpectedFailure(_logger, e);
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(900, LogLevel.Information, "connected to Elasticsearch {Version} at {Url}; documents go to {Target}", EventName = "ElasticsearchConnected")]
        public static partial void Connected(ILogger logger, string url, string version, string target);

        [LoggerMessage(901, LogLevel.Error, "{Problem}", EventName = "ElasticsearchProblem")]
        public static partial void Problem(ILogger logger, string problem);

        [LoggerMessage(902, LogLevel.Warning, "a document was refused ({Status} {Type}: {Reason}) from {Path} at offset {Offset}; written to the dead-letter file ({Unsaid} more since the last such warning, said at most once a minute)", EventName = "DocumentDeadLettered")]
        public static partial void DeadLettered(ILogger logger, int status, string type, string reason, string path, long offset, long unsaid);

        [LoggerMessage(904, LogLevel.Warning, "Elasticsearch refused a document with fields parsed from its JSON message ({Status} {Type}: {Reason}) from {Path} at offset {Offset}; sending it again without them ({Unsaid} more since the last such warning, said at most once a minute)", EventName = "ParsedJsonRefused")]
        public static partial void JsonRefused(ILogger logger, int status, string type, string reason, string path, long offset, long unsaid);

        [LoggerMessage(903, LogLevel.Error, "cannot write the dead-letter file {Path}: {Reason} ({Unsaid} more since, said at most once a minute)", EventName = "DeadLetterFailed")]
        public static partial void DeadLetterFailed(ILogger logger, string path, string reason, long unsaid);

        [LoggerMessage(905, LogLevel.Error, "unexpected failure in the Elasticsearch output; it goes on with backoff", EventName = "ElasticsearchUnexpectedFailure")]
        public static partial void UnexpectedFailure(ILogger logger, Exception exception);
    }
}
