using NodeAgent.Delivery;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tailing;
using NodeAgent.Tailing.Journald;

namespace NodeAgent.Hosting;

/// <summary>The <c>Journal:*</c> keys: the systemd journal as an input of the log pipeline.</summary>
internal sealed partial class AgentOptionsReader
{
    private JournalOptions ReadJournal(LogsOptions logs, ElasticsearchOptions es, OutputKind output)
    {
        var paths = List("Journal:Paths") is { Count: > 0 } listed ? listed : JournalOptions.DefaultPaths;
        foreach (var path in paths.Where(p => !Path.IsPathRooted(p)))
        {
            Error("Journal:Paths", $"'{path}' is not an absolute path (expected directories such as /var/log/journal)");
        }

        var explicitly = Parse("Journal:Enabled", ConfigValues.ParseBool, ConfigValues.BoolExpected);
        if (explicitly == true && !logs.Enabled)
        {
            Error("Journal:Enabled", "is true but Logs:Enabled is false (the journal is shipped by the log pipeline; expected Logs:Enabled=true)", originKey: "Journal:Enabled");
        }

        var enabled = logs.Enabled && (explicitly ?? paths.Any(Directory.Exists));
        if (enabled && explicitly == true && !paths.Any(Directory.Exists))
        {
            _warnings.Add($"Journal:Paths: none of {string.Join(", ", paths)} exists (no journald, or not mounted?); journal files are read when they appear");
        }

        return new JournalOptions(enabled, paths, List("Journal:Units"), JournalDataStream(es))
        {
            // journald takes a systemd unit's stdout in: with the console output, the agent's own documents would
            // come back as entries, to be written again forever.
            SkipOwnEntries = output == OutputKind.Console,
        };
    }

    /// <summary>The journal's data stream (<c>Journal:DataStream</c>), under the same rules as the target's; none
    /// with <c>Elasticsearch:Index</c>, where every document goes to that index.</summary>
    private DataStreamName? JournalDataStream(ElasticsearchOptions es)
    {
        var name = Text("Journal:DataStream");
        if (es.Index is not null)
        {
            return null;
        }

        if (DataStreamName.TryParse(name, out var dataStream))
        {
            return dataStream;
        }

        Error("Journal:DataStream", $"'{name}' is not a data stream name: {DataStreamName.Problem(name)} (expected "
            + "<type>-<dataset>-<namespace> with no '-' inside dataset or namespace, such as logs-journald.logs-default)");
        return JournalOptions.DefaultDataStream;
    }
}
