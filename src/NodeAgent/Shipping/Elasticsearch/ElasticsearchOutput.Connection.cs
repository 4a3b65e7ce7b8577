using System.Text.Json;
using NodeAgent.Remote;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>Readiness: connecting to the cluster at start, and saying in /readyz and once in the log what stands in
/// the way of delivery.</summary>
internal sealed partial class ElasticsearchOutput
{
    /// <summary>GET / until the cluster answers as Elasticsearch: a wrong URL, credentials or product is said clearly
    /// at start, and retried with backoff rather than fatal.</summary>
    private async Task ConnectAsync(CancellationToken cancellation)
    {
        for (var attempt = 0; !cancellation.IsCancellationRequested; attempt++)
        {
            BulkExchange exchange;
            try
            {
                exchange = await _client.InfoAsync(cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Unexpected(e);
                await Task.Delay(Backoff.Delay(attempt), _time, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            var problem = exchange switch
            {
                { Failure: { } failure } => $"cannot reach {exchange.Url}: {failure}",
                { Status: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } =>
                    $"{exchange.Url} rejected the credentials of {_client.Principal} ({(int)exchange.Status!}): {ErrorReason(exchange.Body)}",
                { Status: { } status } when (int)status >= 300 => $"{exchange.Url} answered GET / with {(int)status}: {ErrorReason(exchange.Body)}",
                { Product: not "Elasticsearch" } =>
                    $"{exchange.Url} answers but not as Elasticsearch 7.14 or later (no X-Elastic-Product: Elasticsearch header): check Elasticsearch:Urls",
                _ => null,
            };
            if (problem is null)
            {
                Log.Connected(_logger, exchange.Url, Version(exchange.Body), _client.Target);
                _lastProblem = null;
                _health.Ready(Component);
                return;
            }

            Problem(problem);
            await Task.Delay(Backoff.Delay(attempt), _time, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private void Problem(string problem)
    {
        _health.NotReady(Component, problem);
        // Said once per cause while it lasts, not once per retry.
        if (problem != _lastProblem)
        {
            _lastProblem = problem;
            Log.Problem(_logger, problem);
        }
    }

    private static string Version(byte[] body)
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
}
