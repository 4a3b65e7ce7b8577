using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>What etcd and the watch cache are to the real server: the objects, one global revision counter, and the
/// history of changes since the last compaction. Every mutation and every watch registration happens under one lock,
/// so a watch sees each change exactly once: either in its replay or live, never both, never neither.</summary>
internal sealed class ObjectStore
{
    // Go's ObjectMeta field order, which is the order the real server writes them in.
    private static readonly string[] MetadataOrder =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ];

    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, StoredObject>> _objects = new()
    {
        [ResourceType.Pods] = new(StringComparer.Ordinal),
        [ResourceType.Namespaces] = new(StringComparer.Ordinal),
    };

    private readonly List<StoredEvent> _history = [];
    private readonly List<WatchSubscription> _subscribers = [];
    private readonly TimeProvider _time;
    private long _resourceVersion = 1;
    private long _compactedThrough = 1;

    public ObjectStore(TimeProvider time) => _time = time;

    public long CurrentResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>The revision the history was last compacted at: a watch or a continue token from before it has expired.</summary>
    public long CompactedThrough
    {
        get
        {
            lock (_lock)
            {
                return _compactedThrough;
            }
        }
    }

    /// <summary>Creates or replaces; keeps the uid and creationTimestamp of the version it replaces unless the new one
    /// sets them, as an update through the real API does.</summary>
    public StoredObject Upsert(ResourceType resource, JsonObject item)
    {
        item = item.DeepClone().AsObject();
        var metadata = item["metadata"] as JsonObject ?? throw new ArgumentException("the object has no metadata", nameof(item));
        var name = (string?)metadata["name"] ?? throw new ArgumentException("the object has no metadata.name", nameof(item));
        var ns = (string?)metadata["namespace"];
        if (resource.Namespaced != !string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException(resource.Namespaced ? $"{resource.Kind} {name} has no metadata.namespace" : $"{resource.Kind} is cluster-scoped", nameof(item));
        }

        lock (_lock)
        {
            var key = resource.Namespaced ? ns + "/" + name : name;
            _objects[resource].TryGetValue(key, out var previous);
            var before = previous?.ToJsonObject()["metadata"];
            metadata["uid"] ??= (string?)before?["uid"] ?? Guid.NewGuid().ToString();
            metadata["creationTimestamp"] ??= (string?)before?["creationTimestamp"]
                ?? _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var stored = Commit(resource, item, metadata);
            _objects[resource][key] = stored;
            Append(new StoredEvent(previous is null ? EventType.Added : EventType.Modified, stored, previous));
            return stored;
        }
    }

    /// <summary>Null when there is no such object. The DELETED event carries the last state with a new resourceVersion,
    /// as the real server's does.</summary>
    public StoredObject? Delete(ResourceType resource, string key)
    {
        lock (_lock)
        {
            if (!_objects[resource].Remove(key, out var previous))
            {
                return null;
            }

            var item = previous.ToJsonObject();
            var stored = Commit(resource, item, item["metadata"]!.AsObject());
            Append(new StoredEvent(EventType.Deleted, stored, previous));
            return stored;
        }
    }

    public StoredObject? Get(ResourceType resource, string key)
    {
        lock (_lock)
        {
            return _objects[resource].GetValueOrDefault(key);
        }
    }

    /// <summary>The objects as they were at <paramref name="at"/> (now when null), in key order; false when that
    /// revision has been compacted away.</summary>
    public bool TryList(ResourceType resource, long? at, out long resourceVersion, out List<StoredObject> items)
    {
        lock (_lock)
        {
            resourceVersion = at ?? _resourceVersion;
            if (at < _compactedThrough)
            {
                items = [];
                return false;
            }

            var snapshot = new SortedDictionary<string, StoredObject>(_objects[resource], StringComparer.Ordinal);
            // Undo, newest first, every change made since the revision asked for.
            for (var i = _history.Count - 1; i >= 0 && _history[i].ResourceVersion > resourceVersion; i--)
            {
                var change = _history[i];
                if (change.Resource != resource)
                {
                    continue;
                }

                if (change.Previous is null)
                {
                    snapshot.Remove(change.Object.Key);
                }
                else
                {
                    snapshot[change.Object.Key] = change.Previous;
                }
            }

            items = [.. snapshot.Values];
            return true;
        }
    }

    /// <summary>Registers a watch. From <paramref name="from"/> null (resourceVersion unset or "0"): the current state as
    /// synthetic ADDED events. Otherwise the changes after that revision; null when it has been compacted.</summary>
    public WatchSubscription? Subscribe(ResourceType resource, long? from, out List<StoredEvent> replay)
    {
        lock (_lock)
        {
            if (from is null)
            {
                replay = [.. _objects[resource].Values.Select(o => new StoredEvent(EventType.Added, o, null))];
            }
            else if (from < _compactedThrough)
            {
                replay = [];
                return null;
            }
            else
            {
                replay = [.. _history.Where(e => e.Resource == resource && e.ResourceVersion > from)];
            }

            var subscription = new WatchSubscription(resource);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    public void Unsubscribe(WatchSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers.Remove(subscription);
        }

        subscription.Events.Writer.TryComplete();
    }

    /// <summary>The revision a BOOKMARK may announce: the current one, but only once the watch has taken every event
    /// queued for it, so a client resuming from the bookmark cannot skip an event it never received. Null otherwise.</summary>
    public long? BookmarkVersion(WatchSubscription subscription)
    {
        lock (_lock)
        {
            return subscription.Events.Reader.Count == 0 ? _resourceVersion : null;
        }
    }

    /// <summary>Forgets the history up to now, as etcd compaction does (every 5 minutes on a real cluster).</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _compactedThrough = _resourceVersion;
            _history.Clear();
        }
    }

    private StoredObject Commit(ResourceType resource, JsonObject item, JsonObject metadata)
    {
        _resourceVersion++;
        metadata["resourceVersion"] = ResourceType.Rv(_resourceVersion);
        item["metadata"] = Ordered(metadata);
        return StoredObject.Freeze(resource, item, _resourceVersion);
    }

    private void Append(StoredEvent change)
    {
        _history.Add(change);
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Resource == change.Resource)
            {
                subscriber.Events.Writer.TryWrite(change);
            }
        }
    }

    private static JsonObject Ordered(JsonObject metadata)
    {
        var fields = metadata.ToArray();
        metadata.Clear();
        var ordered = new JsonObject();
        foreach (var (name, value) in fields.OrderBy(f => Array.IndexOf(MetadataOrder, f.Key) is var i and >= 0 ? i : int.MaxValue))
        {
            ordered[name] = value;
        }

        return ordered;
    }
}

/// <summary>One open watch's queue of live changes, filled under the store's lock.</summary>
internal sealed class WatchSubscription(ResourceType resource)
{
    public ResourceType Resource { get; } = resource;

    // Not SingleReader: that variant cannot tell its Count, which BookmarkVersion needs.
    public Channel<StoredEvent> Events { get; } = Channel.CreateUnbounded<StoredEvent>();
}
