using System.Text.Json;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>What goes wrong, and how often. Immutable: the emulator swaps the whole value atomically, so a request
/// sees one consistent set of faults even while a test changes them.</summary>
public sealed record FaultSettings
{
    public static readonly FaultSettings None = new();

    /// <summary>Share of bulk items answered 429 <c>es_rejected_execution_exception</c> inside a 200 response.</summary>
    public double ItemRejectionRatio { get; init; }

    /// <summary>Share of bulk requests answered 429 as a whole (indexing pressure on the coordinating node).</summary>
    public double RequestRejectionRatio { get; init; }

    /// <summary>Share of bulk requests answered 503 <c>unavailable_shards_exception</c> as a whole.</summary>
    public double RequestUnavailableRatio { get; init; }

    /// <summary>Share of bulk requests whose connection is reset after the body was read; half of them (at random)
    /// were stored first, so the client cannot know.</summary>
    public double DropRatio { get; init; }

    /// <summary>Share of bulk requests applied in full and then left unanswered (the connection reset): a node or proxy
    /// failing between the write and the response. Unlike <see cref="DropRatio"/> every such bulk was stored, so a
    /// client that sends it again gets 409 for each item.</summary>
    public double DropAfterStoringRatio { get; init; }

    public OutageMode Outage { get; init; }

    /// <summary>Added before every non-control request is handled.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Added after a bulk request was applied and before its answer is sent: the documents are stored while
    /// the client still waits, so a client that dies meanwhile never learns they were (its restart sends them again).</summary>
    public TimeSpan AnswerDelay { get; init; }

    /// <summary>Sent as <c>Retry-After</c> (whole seconds) on request-level 429 and 503 answers. Elasticsearch itself
    /// never sends it; proxies and cloud front ends do.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Documents that fail to map (per item 400 <c>document_parsing_exception</c>).</summary>
    public MappingErrorRule? MappingError { get; init; }

    /// <summary>Elasticsearch's <c>http.max_content_length</c> (100 MB by default there): a bulk body longer than this
    /// (uncompressed) is answered 413 with an empty body, nothing applied.</summary>
    public long? MaxContentLength { get; init; }
}

public enum OutageMode
{
    None,

    /// <summary>Every request answered 503 <c>cluster_block_exception</c> (no master).</summary>
    Unavailable,

    /// <summary>Every connection aborted before any answer (a node going away, a load balancer resetting).</summary>
    ResetConnections,

    /// <summary>Bulk requests are applied, but answered 200 with every item's status written as a string
    /// (<c>"status":"201"</c>): a broken proxy re-encoding the JSON. Not a bulk response a client can trust.</summary>
    StringStatuses,

    /// <summary>Every request is handled (a bulk is applied), then its status line, headers (with the full
    /// Content-Length) and half of its body are sent, and the rest never: a node or proxy that stops in the middle of
    /// an answer. The connection is held until the client gives up.</summary>
    StallBody,
}

/// <summary>Documents matching <see cref="Matches"/> fail to map on <see cref="Field"/>, as a string sent to a field
/// mapped <c>long</c> does.</summary>
public sealed record MappingErrorRule(string Field, Func<JsonElement, bool> Matches)
{
    /// <summary>The rule the HTTP control surface can express: the (dotted) field's text contains a value.</summary>
    public static MappingErrorRule WhenFieldContains(string field, string text) =>
        new(field, document => SourceInspector.FieldText(document, field) is { } value && value.Contains(text, StringComparison.Ordinal))
        {
            Contains = text,
        };

    /// <summary>Set only by <see cref="WhenFieldContains"/>, so the control surface can describe the rule back.</summary>
    public string? Contains { get; private init; }
}
