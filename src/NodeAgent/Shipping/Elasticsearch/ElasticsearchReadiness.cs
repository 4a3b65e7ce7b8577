using System.Text.Json;
using Microsoft.Extensions.Logging;
using NodeAgent.Remote;
using NodeAgent.Telemetry;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// Whether the output can deliver, as <c>/readyz</c> and the log say it: connecting at start (<c>GET /</c> until the
/// cluster answers as Elasticsearch), then what stands in the way of delivery, said once per cause while it lasts
/// (not once per retry), and cleared by the next answered request. Unexpected failures (a bug, a secret file that
/// cannot be read) are counted in <c>nodeagent_internal_errors_total{component="elasticsearch"}</c>.
/// </summary>
internal sealed partial class ElasticsearchReadiness
{
    public const string Component = "elasticsearch";
    private static readonly TimeSpan UnexpectedLogInterval = TimeSpan.FromMinutes(1);

    private readonly ElasticsearchClient _client;
    private readonly AgentHealth _health;
    private readonly InternalErrors _errors;
    private readonly LogRateLimit _unexpectedLogs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile string? _lastProblem;

    public ElasticsearchReadiness(ElasticsearchClient client, AgentHealth health, InternalErrors errors, TimeProvider time, ILogger logger)
    {
        _client = client;
        _health = health;
        _errors = errors;
        _time = time;
        _logger = logger;
        _unexpectedLogs = new LogRateLimit(time, UnexpectedLogInterval);
        _health.NotReady(Component, "not connected to Elasticsearch yet");
    }

    /// <summary>What stands in the way now; null when the last exchange went through.</summary>
    public string? Problem => _lastProblem;

    /// <summary>GET / until the cluster answers as Elasticsearch: a wrong URL, credentials or product is said clearly
    /// at start, and retried with backoff rather than fatal.</summary>
    public async Task ConnectAsync(CancellationToken cancellation)
    {
        for (var attempt = 0; !cancellation.IsCancellationRequested; attempt++)
        {
            BulkExchange exchange;
            try
            {
                // Disposed at the end of this turn of the loop (the using below): its body is pooled.
                exchange = await _client.InfoAsync(cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Unexpected(e);
                await Task.Delay(Backoff.Delay(attempt), _time, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            using var answered = exchange;
            if (ConnectProblem(exchange, _client.Principal) is not { } problem)
            {
                Log.Connected(_logger, exchange.Url, Version(exchange.Body), _client.Target);
                Delivering();
                return;
            }

            Blocked(problem);
            await Task.Delay(Backoff.Delay(attempt), _time, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Why an answer to <c>GET /</c> is not a cluster to deliver to; null when it is.</summary>
    public static string? ConnectProblem(BulkExchange exchange, string principal) => exchange switch
    {
        { Failure: { } failure } => $"cannot reach {exchange.Url}: {failure}",
        { Status: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } =>
            $"{exchange.Url} rejected the credentials of {principal} ({(int)exchange.Status!}): {BulkOutcomes.ErrorReason(exchange.Body)}",
        { Status: { } status } when (int)status >= 300 => $"{exchange.Url} answered GET / with {(int)status}: {BulkOutcomes.ErrorReason(exchange.Body)}",
        { Product: not "Elasticsearch" } =>
            $"{exchange.Url} answers but not as Elasticsearch 7.14 or later (no X-Elastic-Product: Elasticsearch header): check Elasticsearch:Urls",
        _ => null,
    };

    /// <summary>An exchange went through: ready.</summary>
    public void Delivering()
    {
        _lastProblem = null;
        _health.Ready(Component);
    }

    /// <summary>Delivery is blocked for <paramref name="problem"/>: not ready, said once while it lasts.</summary>
    public void Blocked(string problem)
    {
        _health.NotReady(Component, problem);
        if (problem != _lastProblem)
        {
            _lastProblem = problem;
            Log.Problem(_logger, problem);
        }
    }

    /// <summary>A failure no rule foresaw: counted, reported, and logged at most once a minute.</summary>
    public void Unexpected(Exception e)
    {
        _errors.Count(Component);
        Blocked($"unexpected failure, retrying: {e.GetType().Name}: {e.Message}");
        if (_unexpectedLogs.ShouldLog("unexpected", out _))
        {
            Log.UnexpectedFailure(_logger, e);
        }
    }

    private static string Version(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("version", out var version) && version.TryGetProperty("number", out var number) ? number.GetString() ?? "?" : "?";
        }
        catch (JsonException)
        {
            return "?";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(900, LogLevel.Information, "connected to Elasticsearch {Version} at {Url}; documents go to {Target}", EventName = "ElasticsearchConnected")]
        public static partial void Connected(ILogger logger, string url, string version, string target);

        [LoggerMessage(901, LogLevel.Error, "{Problem}", EventName = "ElasticsearchProblem")]
        public static partial void Problem(ILogger logger, string problem);

        [LoggerMessage(905, LogLevel.Error, "unexpected failure in the Elasticsearch output; it goes on with backoff", EventName = "ElasticsearchUnexpectedFailure")]
        public static partial void UnexpectedFailure(ILogger logger, Exception exception);
    }
}
