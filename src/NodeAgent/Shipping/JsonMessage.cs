using System.Text.Json;

namespace NodeAgent.Shipping;

/// <summary>What <see cref="JsonMessage.Classify"/> found in a message.</summary>
internal enum JsonMessageKind
{
    /// <summary>Not one JSON object Elasticsearch would index: shipped as plain text only.</summary>
    NotObject,

    /// <summary>One JSON object Elasticsearch will index: copied into <c>json</c>.</summary>
    Object,

    /// <summary>One well-formed JSON object with more property names than the cap: shipped as plain text, flagged.</summary>
    TooManyFields,
}

/// <summary>
/// Checks a message before it is copied raw into a document's <c>json</c> field: it must be exactly one JSON object
/// that Elasticsearch will index, so a document is never refused for what the agent chose to parse.
/// </summary>
/// <remarks>
/// The work is linear in the message's length whatever a tenant writes (any pod can turn parsing on with its
/// annotation): one pass of <see cref="Utf8JsonReader"/>, and duplicate names found through a hash set once an object
/// has more than a few, rather than by comparing every pair of names (which took 3.9 s for one line of 60,000 keys).
/// </remarks>
internal static class JsonMessage
{
    /// <summary>Elasticsearch's default <c>index.mapping.total_fields.limit</c>: an index maps at most 1,000 fields,
    /// the agent's own included.</summary>
    public const int DefaultMaxFields = 1000;

    /// <summary>Elasticsearch's default <c>index.mapping.depth.limit</c> is 20 from the document root, and
    /// <c>json</c> itself is one level of it.</summary>
    private const int MaxDepth = 19;

    [ThreadStatic]
    private static NameSet? t_names;

    /// <summary>Field names Elasticsearch refuses in a document: empty, only spaces, starting or ending with a dot, or
    /// with an empty part between two dots (a dot splits a name into an object path).</summary>
    private static bool IsIndexableName(ReadOnlySpan<byte> name) =>
        name.IndexOfAnyExcept((byte)' ') >= 0 && name[0] != (byte)'.' && name[^1] != (byte)'.' && name.IndexOf(".."u8) < 0;

    /// <summary>Whether <paramref name="message"/> goes into <c>json</c> (<see cref="JsonMessageKind.Object"/> from
    /// <see cref="Classify"/>).</summary>
    public static bool IsObject(ReadOnlySpan<byte> message, int maxFields = DefaultMaxFields) =>
        Classify(message, maxFields) == JsonMessageKind.Object;

    /// <summary>
    /// Whether <paramref name="message"/> (valid UTF-8) is one JSON object and nothing else but whitespace, nested at
    /// most <see cref="MaxDepth"/> deep, with no key twice in one object (Elasticsearch refuses a duplicate field), no
    /// name Elasticsearch refuses, and at most <paramref name="maxFields"/> property names.
    /// </summary>
    /// <remarks>
    /// <para>The cap counts every property name at every depth, each time it occurs: <c>{"a":{"b":1}}</c> has two, and
    /// <c>{"a":[{"b":1},{"b":2}]}</c> three. Each name is a field of the mapping (an object or a leaf), so this is
    /// roughly what the message asks of the index's field limit: less when objects in an array share names (they
    /// share one mapping), more when dynamic mapping adds a <c>.keyword</c> sub-field to a string. Simple to state,
    /// cheap to count, and it bounds what the duplicate check has to remember.</para>
    /// <para>The names are checked in order and the first problem decides: a duplicate or refused name met before the
    /// cap is passed makes the message <see cref="JsonMessageKind.NotObject"/>; once the cap is passed, names are only
    /// counted, and the rest is read to the end so that <see cref="JsonMessageKind.TooManyFields"/> is said only of a
    /// well-formed object within the depth limit.</para>
    /// <para>Allocates nothing in the steady state: the set of names is one per thread, grown to the most names a
    /// checked message has held (at most <paramref name="maxFields"/>).</para>
    /// </remarks>
    public static JsonMessageKind Classify(ReadOnlySpan<byte> message, int maxFields = DefaultMaxFields)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFields);

        // A raw line feed (allowed between JSON tokens) would end the NDJSON line the document is copied into.
        var start = message.IndexOfAnyExcept(" \t\r"u8);
        if (start < 0 || message[start] != (byte)'{' || message.Contains((byte)'\n'))
        {
            return JsonMessageKind.NotObject;
        }

        var names = t_names ??= new NameSet();
        names.Clear();

        var fields = 0;
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Open(reader.CurrentDepth);
                        break;
                    case JsonTokenType.EndObject:
                        names.Close(reader.CurrentDepth);
                        break;
                    case JsonTokenType.PropertyName:
                        if (++fields > maxFields)
                        {
                            // Only counted from here on: the message is not parsed whatever its later names are.
                            break;
                        }

                        // The name's raw bytes sit in the message (one span, so no sequence). Two escapes of one name
                        // are not caught; no logger writes those.
                        var name = reader.ValueSpan;
                        if (!IsIndexableName(name)
                            || !names.Add(reader.CurrentDepth - 1, checked((int)reader.TokenStartIndex + 1), name.Length, message))
                        {
                            return JsonMessageKind.NotObject;
                        }

                        break;
                }
            }

            return fields > maxFields ? JsonMessageKind.TooManyFields : JsonMessageKind.Object;
        }
        catch (JsonException)
        {
            // Not JSON, several values, trailing text, or nested deeper than MaxDepth.
            return JsonMessageKind.NotObject;
        }
    }

    /// <summary>
    /// The names of the objects open in the message being checked, to find a name twice in one object. An object's
    /// first <see cref="LinearLimit"/> names are compared one by one (cheaper than hashing for the few names most
    /// log objects have); from then on its names go into an open-addressing hash table keyed by (object, name), so a
    /// name costs at most <see cref="LinearLimit"/> comparisons or one hash and a short probe.
    /// </summary>
    /// <remarks>Entries point into the message. The table is cleared in O(1): a slot counts only if the entry it
    /// points to is one of this message's and points back to it, so stale slots of earlier messages need no wiping.
    /// Entries of closed objects stay until the message ends; their object numbers are never used again.</remarks>
    private sealed class NameSet
    {
        private const int LinearLimit = 8;

        // The names of the open objects, innermost last; each open depth's first name and object number.
        private Name[] _stack = new Name[32];
        private int _top;
        private readonly int[] _first = new int[MaxDepth + 1];
        private readonly int[] _object = new int[MaxDepth + 1];
        private int _objects;

        private int[] _slots = new int[64]; // an entry's index, or anything when the slot is free
        private Entry[] _entries = new Entry[32];
        private int _count;

        public void Clear()
        {
            _top = 0;
            _objects = 0;
            _count = 0;
        }

        public void Open(int depth)
        {
            _first[depth] = _top;
            _object[depth] = _objects++;
        }

        public void Close(int depth) => _top = _first[depth];

        /// <summary>Adds the name at <paramref name="start"/> of <paramref name="message"/> to the object open at
        /// <paramref name="depth"/>; false when that object already has it.</summary>
        public bool Add(int depth, int start, int length, ReadOnlySpan<byte> message)
        {
            var name = message.Slice(start, length);
            var first = _first[depth];
            var count = _top - first;
            if (count < LinearLimit)
            {
                for (var i = first; i < _top; i++)
                {
                    if (message.Slice(_stack[i].Start, _stack[i].Length).SequenceEqual(name))
                    {
                        return false;
                    }
                }
            }
            else
            {
                var owner = _object[depth];
                if (count == LinearLimit)
                {
                    // The object outgrows comparing one by one: its names so far (all different) go into the table.
                    for (var i = first; i < _top; i++)
                    {
                        Insert(owner, _stack[i].Start, _stack[i].Length, message);
                    }
                }

                if (!Insert(owner, start, length, message))
                {
                    return false;
                }
            }

            if (_top == _stack.Length)
            {
                Array.Resize(ref _stack, _stack.Length * 2);
            }

            _stack[_top++] = new Name(start, length);
            return true;
        }

        /// <summary>False when object <paramref name="owner"/> already has the name.</summary>
        private bool Insert(int owner, int start, int length, ReadOnlySpan<byte> message)
        {
            // HashCode is seeded at random per process: a tenant cannot choose names that all land in one slot.
            var name = message.Slice(start, length);
            var hasher = default(HashCode);
            hasher.Add(owner);
            hasher.AddBytes(name);
            var hash = hasher.ToHashCode();

            var mask = _slots.Length - 1;
            var slot = hash & mask;
            while (IsTaken(slot, out var index))
            {
                ref var entry = ref _entries[index];
                if (entry.Hash == hash && entry.Owner == owner && message.Slice(entry.Start, entry.Length).SequenceEqual(name))
                {
                    return false;
                }

                slot = (slot + 1) & mask;
            }

            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }

            _entries[_count] = new Entry(hash, owner, start, length, slot);
            _slots[slot] = _count++;
            if (_count * 2 > _slots.Length)
            {
                Grow();
            }

            return true;
        }

        private bool IsTaken(int slot, out int index)
        {
            index = _slots[slot];
            return (uint)index < (uint)_count && _entries[index].Slot == slot;
        }

        /// <summary>Keeps the table at most half full, so a probe ends after a few slots.</summary>
        private void Grow()
        {
            _slots = new int[_slots.Length * 2];
            var mask = _slots.Length - 1;
            for (var i = 0; i < _count; i++)
            {
                // Only entries placed in the new table (those before i) count as taken here.
                var slot = _entries[i].Hash & mask;
                while (_slots[slot] is var placed && placed < i && _entries[placed].Slot == slot)
                {
                    slot = (slot + 1) & mask;
                }

                _entries[i] = _entries[i] with { Slot = slot };
                _slots[slot] = i;
            }
        }

        private readonly record struct Name(int Start, int Length);

        private readonly record struct Entry(int Hash, int Owner, int Start, int Length, int Slot);
    }
}
