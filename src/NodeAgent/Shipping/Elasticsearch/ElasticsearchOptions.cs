using NodeAgent.Delivery;

namespace NodeAgent.Shipping.Elasticsearch;

internal sealed record ElasticsearchOptions(
    IReadOnlyList<Uri> Urls,
    string DataStream,
    string? Index,
    string? Username,
    string? Password,
    string? PasswordFile,
    string? ApiKey,
    string? ApiKeyFile,
    string? CaFile,
    bool InsecureSkipVerify,
    bool Gzip,
    TimeSpan FlushInterval,
    long MaxBatchBytes)
{
    /// <summary>The data stream the documents name in <c>data_stream.*</c> (<c>Elasticsearch:DataStream</c>, validated
    /// against the naming scheme); null with <c>Elasticsearch:Index</c>, whose documents carry none.</summary>
    public DataStreamName? Target { get; init; } = DataStreamName.Default;
}
