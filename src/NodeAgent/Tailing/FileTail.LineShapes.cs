using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Parsing;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tailing;

/// <summary>What the lines of a file turn out to be: plain lines (a host file) and how they are joined (multiline).</summary>
internal sealed partial class FileTail
{
    // The fields the multiline rule was last chosen for.
    private DocumentFields? _multilineAskedFor;

    /// <summary>The file is outside kubelet's layout, so its lines may turn out plain (<see cref="LogFormat.Plain"/>);
    /// its fields then become <see cref="DocumentFields.AsPlain"/> of <see cref="PlainDataStream"/>.</summary>
    public bool MayBePlain { get; init; }

    /// <summary>Logs:PlainDataStream (null with Elasticsearch:Index).</summary>
    public DataStreamName? PlainDataStream { get; init; }

    /// <summary>The rule for this file's pod (its <c>node-agent.io/multiline</c> annotation) or the configured one;
    /// null: the decoder's rule is never changed.</summary>
    public Func<string?, MultilineRule>? MultilineFor { get; init; }

    /// <summary>Asks again which rule joins this file's lines when its fields changed (the pod's metadata arrived).</summary>
    private void FollowMultilineChoice(List<LogRecord> records)
    {
        if (MultilineFor is null || ReferenceEquals(Fields, _multilineAskedFor))
        {
            return;
        }

        _multilineAskedFor = Fields;
        var rule = MultilineFor(Fields.Kubernetes?.Pod?.Multiline);
        if (!ReferenceEquals(rule, _decoder.Multiline))
        {
            _decoder.ChangeMultiline(rule, records);
        }
    }

    /// <summary>Once the decoder has seen a plain file's first line, its documents go out as a plain file's, from the
    /// first one on.</summary>
    private void FollowFormat()
    {
        if (MayBePlain && !Fields.Plain && _decoder.Format == LogFormat.Plain)
        {
            Enrichment.Fields = Fields.AsPlain(PlainDataStream);
        }
    }

    /// <summary>A multiline message (a stack trace) is waiting for its next line or its flush timeout.</summary>
    public bool HasPendingTrace => _decoder.HasPendingMultiline;

    /// <summary>
    /// At a graceful stop: the traces still waiting go into <paramref name="records"/>, registered with the watermark
    /// as a turn's records are. The file has been read to its end, so a trace waits only for its flush timeout; left
    /// pending, the watermark would stay before it and every line read after its first (the other stream's, a line
    /// that ended it on the other stream) would be delivered again after the restart. Only a trace the application was
    /// still writing at that very moment is cut in two by this.
    /// </summary>
    public void CompleteTraces(List<LogRecord> records)
    {
        var first = records.Count;
        _decoder.FlushMultiline(records);
        for (var i = first; i < records.Count; i++)
        {
            Acks.Register(records[i].StartOffset, records[i].EndOffset);
        }

        Acks.Reading(_decoder.OldestPendingStart, _framedOffset);
        CountHeld();
    }
}
