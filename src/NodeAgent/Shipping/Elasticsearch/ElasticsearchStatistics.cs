using NodeAgent.Telemetry;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>The Elasticsearch output's counters, and their families on /metrics (issue 5, point 7).</summary>
internal sealed class ElasticsearchStatistics(ElasticsearchClient client, TimeProvider time) : IAgentMetrics
{
    // Upper bounds of the bulk request duration histogram, in seconds.
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly LabeledCounter _requests = new();
    private readonly LabeledCounter _documents = new();
    private readonly LabeledCounter _deadLetters = new();
    private readonly long[] _durationCounts = new long[Buckets.Length + 1];
    private readonly Lock _durationLock = new();
    private double _durationSum;
    private long _lastSuccess;
    private long _queueBytes;

    public void Request(string status, TimeSpan duration)
    {
        _requests.Add(status);
        lock (_durationLock)
        {
            var bucket = Array.FindIndex(Buckets, b => duration.TotalSeconds <= b);
            _durationCounts[bucket < 0 ? Buckets.Length : bucket]++;
            _durationSum += duration.TotalSeconds;
        }
    }

    public void Documents(string result, long count = 1) => _documents.Add(result, count);

    /// <summary>A document dead-lettered, by Elasticsearch's error type (e.g. document_parsing_exception).</summary>
    public void DeadLettered(string reason) => _deadLetters.Add(reason);

    public void Succeeded() => Interlocked.Exchange(ref _lastSuccess, time.GetUtcNow().ToUnixTimeMilliseconds());

    public void QueueBytes(long delta) => Interlocked.Add(ref _queueBytes, delta);

    public long DocumentCount(string result) => _documents[result];

    public void Write(MetricWriter writer)
    {
        writer.Family("nodeagent_elasticsearch_requests_total", MetricType.Counter, "Bulk requests by outcome: the HTTP status, or \"error\" when no answer came.");
        _requests.WriteSamples(writer, "status");

        writer.Family("nodeagent_elasticsearch_documents_total", MetricType.Counter, "Documents by result: created, duplicate (409 on a replay: already stored), retried, json_refused (sent again without the fields parsed from its JSON message), dead_lettered.");
        foreach (var result in new[] { "created", "duplicate", "retried", "json_refused", "dead_lettered" })
        {
            writer.Sample(DocumentCount(result), "result", result);
        }

        writer.Family("nodeagent_elasticsearch_dead_letters_total", MetricType.Counter, "Documents Elasticsearch refused for good, written to the dead-letter file, by error type.");
        _deadLetters.WriteSamples(writer, "reason");

        writer.Family("nodeagent_elasticsearch_request_duration_seconds", MetricType.Histogram, "Time from sending a bulk request to its whole answer.");
        lock (_durationLock)
        {
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += _durationCounts[i];
                writer.Sample("_bucket", cumulative, "le", GoFloat.Format(Buckets[i]));
            }

            cumulative += _durationCounts[Buckets.Length];
            writer.Sample("_bucket", cumulative, "le", "+Inf");
            writer.Sample("_sum", _durationSum);
            writer.Sample("_count", cumulative);
        }

        writer.Family("nodeagent_elasticsearch_sent_bytes_total", MetricType.Counter, "Bulk body bytes sent, uncompressed.");
        writer.Sample(client.BytesSent);
        writer.Family("nodeagent_elasticsearch_sent_compressed_bytes_total", MetricType.Counter, "Bulk body bytes on the wire (gzip when Elasticsearch:Compression=gzip).");
        writer.Sample(client.BytesSentCompressed);
        writer.Family("nodeagent_elasticsearch_queue_bytes", MetricType.Gauge, "Bulk body bytes built or in flight, not yet answered for.");
        writer.Sample(Interlocked.Read(ref _queueBytes));
        writer.Family("nodeagent_elasticsearch_last_success_timestamp_seconds", MetricType.Gauge, "When a bulk request last got an answer for every item (Unix time; 0 before the first).");
        writer.Sample(Interlocked.Read(ref _lastSuccess) / 1000.0);
    }
}
