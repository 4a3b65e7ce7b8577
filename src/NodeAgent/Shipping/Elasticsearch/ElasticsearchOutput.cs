using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Remote;
using NodeAgent.Telemetry;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// <c>Output:Type=elasticsearch</c> (issue 5): documents go to the <c>_bulk</c> API, and a record is acknowledged only
/// once Elasticsearch has answered for it. The pieces: <see cref="BulkBatcher"/> encodes records into bodies during
/// <see cref="SendAsync"/>, which never waits (every body byte is counted in the <see cref="BufferBudget"/> until its
/// request is answered for, and the reader pauses while the budget is full, so the lines stay on disk and the reading
/// loop keeps running); at most <see cref="MaxInFlight"/> workers each run one <see cref="BulkDelivery"/> at a time
/// (the rest wait in a queue); <see cref="BulkOutcomes"/> says what each answer means; <see cref="RefusedDocuments"/>
/// dead-letters what can never be stored; <see cref="ElasticsearchReadiness"/> connects and tells /readyz why
/// delivery is blocked. No failure ends a worker.
/// </summary>
internal sealed class ElasticsearchOutput : BackgroundService, ILogOutput
{
    public const int MaxInFlight = 2;
    private static readonly TimeSpan FlushCheck = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShutdownFlush = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleBeforeTrim = TimeSpan.FromSeconds(2);

    private readonly ElasticsearchClient _client;
    private readonly ElasticsearchStatistics _statistics;
    private readonly BufferBudget _budget;
    private readonly TimeProvider _time;
    private readonly BulkBatcher _batcher;
    private readonly RefusedDocuments _refused;
    private readonly ElasticsearchReadiness _readiness;
    private readonly BulkDelivery _delivery;
    // Unbounded: what waits here is bounded by the buffer budget, which the reader respects before it reads.
    private readonly Channel<BulkRequest> _ready = Channel.CreateUnbounded<BulkRequest>(new UnboundedChannelOptions { SingleWriter = false });
    private int _inFlight;
    // When lines were last handed in, and whether the memory of the burst since was given back.
    private long _lastSendTicks;
    private bool _trimmed = true;

    public ElasticsearchOutput(ElasticsearchOptions options, DeadLetterFile deadLetters, ElasticsearchClient client, ElasticsearchStatistics statistics,
        BufferBudget budget, InternalErrors errors, AgentHealth health, TimeProvider time, ILogger<ElasticsearchOutput> logger)
    {
        _client = client;
        _statistics = statistics;
        _budget = budget;
        _time = time;
        _batcher = new BulkBatcher(options.MaxBatchBytes, options.FlushInterval, client.Pattern, Enqueue, compress: options.Gzip);
        _refused = new RefusedDocuments(deadLetters, client.Target, statistics, time, logger);
        _readiness = new ElasticsearchReadiness(client, health, errors, time, logger);
        _delivery = new BulkDelivery(client, _batcher, _refused, _readiness, statistics, budget, time);
    }

    public ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
    {
        // Encoded now: the records' bytes are the reader's again once this returns (ILogOutput).
        var now = _time.GetUtcNow();
        Volatile.Write(ref _lastSendTicks, now.UtcTicks);
        Volatile.Write(ref _trimmed, false);
        var bytes = _batcher.Add(batch, now, Unencodable);
        _budget.OutputHolds(bytes);
        _statistics.QueueBytes(bytes);
        return ValueTask.CompletedTask;
    }

    /// <summary>At shutdown: what is built goes out, and in-flight requests get a few seconds to be answered — not more,
    /// and nothing when the cluster is not answering: what is not answered for is read again after the restart (same
    /// ids), while a slow stop would outlast Kubernetes' grace period and end in SIGKILL anyway.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellation)
    {
        if (_readiness.Problem is not null)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(ShutdownFlush);
        _batcher.Flush(_time.GetUtcNow(), force: true);
        while ((_ready.Reader.Count > 0 || Volatile.Read(ref _inFlight) > 0) && !deadline.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await _readiness.ConnectAsync(stoppingToken);
        var workers = Enumerable.Range(0, MaxInFlight).Select(_ => WorkAsync(stoppingToken)).ToList();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(FlushCheck, _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            try
            {
                _batcher.Flush(_time.GetUtcNow(), force: false);
                TrimWhenIdle();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _readiness.Unexpected(e);
            }
        }

        await Task.WhenAll(workers);
    }

    /// <summary>
    /// After a burst, once no line came for <see cref="IdleBeforeTrim"/> and everything was answered for: the pooled
    /// bodies go and one compacting collection returns the heap to the kernel. Nothing allocates while the node is
    /// quiet, so no collection would run otherwise, and the burst's peak would stay resident for good (measured: the
    /// idle RSS after 300,000 lines equalled the peak). Once per burst, never while lines flow.
    /// </summary>
    private void TrimWhenIdle()
    {
        if (Volatile.Read(ref _trimmed) || Volatile.Read(ref _inFlight) > 0 || _ready.Reader.Count > 0
            || _time.GetUtcNow().UtcTicks - Volatile.Read(ref _lastSendTicks) < IdleBeforeTrim.Ticks)
        {
            return;
        }

        Volatile.Write(ref _trimmed, true);
        _batcher.Trim();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private void Unencodable(LogBatch batch, LogRecord record, string reason)
    {
        _refused.Unencodable(batch, record, reason);
        batch.Acks.Acknowledge(record.StartOffset);
    }

    private void Enqueue(BulkRequest request)
    {
        // An unbounded channel takes every write until it is completed, which only disposal does.
        if (!_ready.Writer.TryWrite(request))
        {
            throw new InvalidOperationException("the Elasticsearch output is closed");
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
                        await _delivery.DeliverAsync(request, stoppingToken);
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
                _readiness.Unexpected(e);
                await Task.Delay(Backoff.Delay(failures), _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }
}
