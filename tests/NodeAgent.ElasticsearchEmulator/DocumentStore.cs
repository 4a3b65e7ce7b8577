using System.Collections.Concurrent;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>Every index and data stream the emulator holds, by the name clients write to.</summary>
internal sealed class DocumentStore(bool countOnly, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TargetIndex> _targets = new(StringComparer.Ordinal);

    public bool CountOnly { get; } = countOnly;

    public IEnumerable<TargetIndex> Targets => _targets.Values;

    public long DocumentCount => _targets.Values.Sum(t => (long)t.Count);

    /// <summary>Data streams and indices are created by the first write, as with Elasticsearch's defaults
    /// (<c>action.auto_create_index</c> true, and a matching template with <c>data_stream</c> for streams).</summary>
    /// <param name="template">The template it is created from, if one matches: whether it is a data stream, and its
    /// <c>constant_keyword</c> fields.</param>
    public TargetIndex GetOrCreate(string name, IndexTemplate? template) =>
        _targets.GetOrAdd(name, n => new TargetIndex(n, template?.DataStream ?? false, time.GetUtcNow(), CountOnly, template?.ConstantKeywords));

    /// <summary>By the stream or index name, or by a data stream's backing index name.</summary>
    public TargetIndex? Find(string name) =>
        _targets.TryGetValue(name, out var target) ? target : _targets.Values.FirstOrDefault(t => t.WriteIndex == name);

    public void Clear() => _targets.Clear();
}

/// <summary>One index, or one data stream with a single backing index (no rollover). One shard: sequence numbers are
/// dense from 0 in the order writes were applied.</summary>
internal sealed class TargetIndex
{
    private readonly Dictionary<string, StoredDocument> _documents = new(StringComparer.Ordinal);
    private readonly bool _countOnly;

    // The constant_keyword fields of its mapping and their values; null until the first document with the field.
    private readonly Dictionary<string, string?> _constants;
    private long _nextSeqNo;

    public TargetIndex(string name, bool dataStream, DateTimeOffset created, bool countOnly, IReadOnlyDictionary<string, string?>? constantKeywords = null)
    {
        Name = name;
        IsDataStream = dataStream;
        _countOnly = countOnly;
        _constants = new Dictionary<string, string?>(constantKeywords ?? new Dictionary<string, string?>(), StringComparer.Ordinal);
        // Elasticsearch names the first backing index .ds-<stream>-<creation date>-000001.
        WriteIndex = dataStream ? $".ds-{name}-{created:yyyy.MM.dd}-000001" : name;
        Uuid = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_')[..22];
    }

    public string Name { get; }

    public bool IsDataStream { get; }

    /// <summary>The concrete index named in bulk items: the backing index of a stream, else the index itself.</summary>
    public string WriteIndex { get; }

    public string Uuid { get; }

    public int Count
    {
        get
        {
            lock (_documents)
            {
                return _documents.Count;
            }
        }
    }

    /// <summary>The dotted paths of the <c>constant_keyword</c> fields of the mapping.</summary>
    public IReadOnlyCollection<string> ConstantFields => _constants.Keys;

    /// <summary>A constant_keyword field's value in the mapping: the template's, or the first document's.</summary>
    public string? ConstantValue(string field)
    {
        lock (_constants)
        {
            return _constants.GetValueOrDefault(field);
        }
    }

    /// <summary>The first of a document's constant_keyword values (in document order) that differs from the mapping's,
    /// with the mapping's value; when none does, the document's values fix the fields the mapping has no value for
    /// yet (Elasticsearch's dynamic mapping update of a <c>constant_keyword</c> without <c>value</c>).</summary>
    public (FieldValue Value, string Expected)? CheckConstants(IReadOnlyList<FieldValue> values)
    {
        lock (_constants)
        {
            foreach (var value in values)
            {
                if (_constants.GetValueOrDefault(value.Path) is { } expected && !string.Equals(expected, value.Text, StringComparison.Ordinal))
                {
                    return (value, expected);
                }
            }

            foreach (var value in values)
            {
                _constants[value.Path] ??= value.Text;
            }

            return null;
        }
    }

    /// <summary><c>op_type=create</c>: stored only when the id is new.</summary>
    public WriteOutcome Create(string id, ReadOnlySpan<byte> source)
    {
        lock (_documents)
        {
            if (_documents.TryGetValue(id, out var existing))
            {
                return new WriteOutcome(ItemResult.Conflict, existing.Version, -1);
            }

            var document = new StoredDocument(_nextSeqNo++, 1, _countOnly ? null : source.ToArray());
            _documents.Add(id, document);
            return new WriteOutcome(ItemResult.Created, 1, document.SeqNo);
        }
    }

    /// <summary><c>op_type=index</c>: stored, replacing any document with the id and bumping its version.</summary>
    public WriteOutcome Index(string id, ReadOnlySpan<byte> source)
    {
        lock (_documents)
        {
            var version = _documents.TryGetValue(id, out var existing) ? existing.Version + 1 : 1;
            var document = new StoredDocument(_nextSeqNo++, version, _countOnly ? null : source.ToArray());
            _documents[id] = document;
            return new WriteOutcome(version == 1 ? ItemResult.Created : ItemResult.Updated, version, document.SeqNo);
        }
    }

    /// <summary>Ids and sources (null in count-only mode) in the order they were last written.</summary>
    public List<KeyValuePair<string, byte[]?>> Snapshot()
    {
        lock (_documents)
        {
            return _documents.OrderBy(d => d.Value.SeqNo).Select(d => KeyValuePair.Create(d.Key, d.Value.Source)).ToList();
        }
    }

    public byte[]? Source(string id)
    {
        lock (_documents)
        {
            return _documents.TryGetValue(id, out var document) ? document.Source : null;
        }
    }

    public bool Contains(string id)
    {
        lock (_documents)
        {
            return _documents.ContainsKey(id);
        }
    }
}

internal readonly record struct StoredDocument(long SeqNo, long Version, byte[]? Source);

internal readonly record struct WriteOutcome(ItemResult Result, long Version, long SeqNo);
