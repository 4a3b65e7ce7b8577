namespace NodeAgent.Delivery;

/// <summary>
/// What an output writes beside each record of a file: the fields that do not change from line to line, already
/// encoded to JSON (built by enrichment from the file's path, its pod's metadata and the configured target), plus
/// the few facts an output decides by. One per file and version of its metadata; a batch carries the one it was read
/// with, so an output never reaches back into the reader.
/// </summary>
internal sealed class DocumentContext : IEquatable<DocumentContext>
{
    private readonly byte[] _encodedTail;

    /// <param name="encodedTail">The constant end of every document, starting inside the <c>log</c> object just after
    /// <c>log.offset</c> (or <c>log.flags</c>): <c>,"file":{"path":...}},"kubernetes":{...},...}</c>, closing brace
    /// included, encoded with the document writer's own options.</param>
    /// <param name="hasStream">The documents name the stream (stdout, stderr) a line came from: a container's do, a
    /// plain file's and the journal's do not.</param>
    /// <param name="routed">Each bulk action names <paramref name="dataStream"/> in its <c>_index</c> (see
    /// <see cref="Index"/>): set for inputs whose lines do not go to the output's own target.</param>
    public DocumentContext(string filePath, DataStreamName? dataStream, bool parseJson, byte[] encodedTail, bool hasStream = true, bool routed = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        FilePath = filePath;
        DataStream = dataStream;
        ParseJson = parseJson;
        _encodedTail = encodedTail;
        HasStream = hasStream;
        Index = routed && dataStream is { } named ? System.Text.Encoding.UTF8.GetBytes(named.ToString()) : null;
    }

    /// <summary>The documents say which stream (stdout, stderr) a line came from: a container's do, a plain file's
    /// have none.</summary>
    public bool HasStream { get; }

    /// <summary>The data stream a bulk action names in its <c>_index</c> (as UTF-8), when it is not the output's own
    /// target: a plain file's lines go to <c>Logs:PlainDataStream</c>, the journal's to <c>Journal:DataStream</c>.
    /// Null: the request's target.</summary>
    public byte[]? Index { get; }

    /// <summary><c>log.file.path</c>, for messages about a document (dead letters, refusals).</summary>
    public string FilePath { get; }

    /// <summary>The data stream named in the documents' <c>data_stream.*</c>; null for a date-named index.</summary>
    public DataStreamName? DataStream { get; }

    /// <summary>Messages that are JSON objects also go into <c>json.*</c>.</summary>
    public bool ParseJson { get; }

    public ReadOnlySpan<byte> EncodedTail => _encodedTail;

    public bool Equals(DocumentContext? other) =>
        other is not null
        && string.Equals(FilePath, other.FilePath, StringComparison.Ordinal)
        && DataStream.Equals(other.DataStream)
        && ParseJson == other.ParseJson
        && HasStream == other.HasStream
        && EncodedTail.SequenceEqual(other.EncodedTail);

    public override bool Equals(object? obj) => Equals(obj as DocumentContext);

    public override int GetHashCode() => HashCode.Combine(FilePath, DataStream, ParseJson, _encodedTail.Length);
}
