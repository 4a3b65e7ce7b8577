using System.Buffers;

namespace NodeAgent.Delivery;

/// <summary>
/// An Elasticsearch data stream name split into its parts, as the data stream naming scheme defines it:
/// <c>&lt;type&gt;-&lt;dataset&gt;-&lt;namespace&gt;</c>, where no part may hold '-' (so the split is unambiguous).
/// </summary>
/// <remarks>
/// Documents repeat the parts in <c>data_stream.*</c>, which the data stream mappings make <c>constant_keyword</c>
/// fields (Elasticsearch's built-in <c>logs-*-*</c> template fixes <c>type</c> to <c>logs</c>; the first document of a
/// backing index fixes <c>dataset</c> and <c>namespace</c>): a document whose values differ is refused. A name the
/// scheme cannot split (<c>logs-my-app-prod</c> still matches <c>logs-*-*</c>) leaves no right values to write.
/// </remarks>
internal readonly record struct DataStreamName(string Type, string Dataset, string Namespace)
{
    // The naming scheme's limit on dataset and namespace, and Elasticsearch's on index names (255 bytes).
    private const int MaxPartLength = 100;
    private const int MaxNameBytes = 255;

    // Characters Elasticsearch refuses in index names (MetadataCreateIndexService), ':' included since 7.0.
    private static readonly SearchValues<char> Forbidden = SearchValues.Create("\\/*?\"<>| ,#:");

    public static DataStreamName Default { get; } = new("logs", "kubernetes.container_logs", "default");

    /// <summary>Where the lines of plain host files go by default (<c>Logs:PlainDataStream</c>): log lines, from
    /// files of the host, in the default namespace.</summary>
    public static DataStreamName PlainDefault { get; } = new("logs", "host.file", "default");

    public static bool TryParse(string? name, out DataStreamName dataStream)
    {
        dataStream = default;
        if (Problem(name) is not null)
        {
            return false;
        }

        var parts = name!.Split('-');
        dataStream = new DataStreamName(parts[0], parts[1], parts[2]);
        return true;
    }

    /// <summary>Why <paramref name="name"/> is not a data stream name of the scheme, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        var parts = name.Split('-');
        if (parts.Length != 3)
        {
            return $"it has {parts.Length} dash-separated parts, not 3";
        }

        if (parts.Any(string.IsNullOrEmpty))
        {
            return "a part is empty";
        }

        if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "Elasticsearch index names are lower case";
        }

        if (name.AsSpan().IndexOfAny(Forbidden) is var at and >= 0)
        {
            return $"Elasticsearch index names may not hold '{name[at]}'";
        }

        if (name[0] is '_' or '+')
        {
            return $"it starts with '{name[0]}'";
        }

        if (parts[1].Length > MaxPartLength || parts[2].Length > MaxPartLength)
        {
            return $"dataset and namespace are at most {MaxPartLength} characters";
        }

        return System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes ? $"it is longer than {MaxNameBytes} bytes" : null;
    }

    public override string ToString() => $"{Type}-{Dataset}-{Namespace}";
}
