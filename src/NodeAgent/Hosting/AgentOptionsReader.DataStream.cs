using NodeAgent.Delivery;
using NodeAgent.Shipping.Elasticsearch;

namespace NodeAgent.Hosting;

/// <summary>The target the documents name in their <c>data_stream.*</c> fields.</summary>
internal sealed partial class AgentOptionsReader
{
    /// <summary>The data stream the documents name: the target's parts go into their <c>data_stream.*</c> fields,
    /// which Elasticsearch holds constant per data stream, so a name the scheme cannot split is refused here rather
    /// than by Elasticsearch for every document. With <c>Elasticsearch:Index</c> there is none.</summary>
    private DataStreamName? DocumentDataStream(ElasticsearchOptions es)
    {
        if (es.Index is not null)
        {
            return null;
        }

        if (DataStreamName.TryParse(es.DataStream, out var dataStream))
        {
            return dataStream;
        }

        Error("Elasticsearch:DataStream", $"'{es.DataStream}' is not a data stream name: {DataStreamName.Problem(es.DataStream)} (expected "
            + "<type>-<dataset>-<namespace> with no '-' inside dataset or namespace, such as logs-myapp-prod; for any other index, alias or "
            + "data stream set Elasticsearch:Index)");
        return DataStreamName.Default;
    }

    /// <summary>The data stream of plain host files' lines (<c>Logs:PlainDataStream</c>), under the same rules as the
    /// target's; none with <c>Elasticsearch:Index</c>, where every line goes to that index.</summary>
    private DataStreamName? PlainDataStream(ElasticsearchOptions es)
    {
        var name = Text("Logs:PlainDataStream");
        if (es.Index is not null)
        {
            return null;
        }

        if (DataStreamName.TryParse(name, out var dataStream))
        {
            return dataStream;
        }

        Error("Logs:PlainDataStream", $"'{name}' is not a data stream name: {DataStreamName.Problem(name)} (expected "
            + "<type>-<dataset>-<namespace> with no '-' inside dataset or namespace, such as logs-host.file-default)");
        return DataStreamName.PlainDefault;
    }
}
