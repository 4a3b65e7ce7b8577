namespace NodeAgent.KubernetesApiEmulation;

internal enum EventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>One entry of the change history (etcd's revision log, as the watch cache keeps it). <see cref="Previous"/>
/// is the state before the change: a watch with a field selector needs it to turn a MODIFIED that leaves the selection
/// into a DELETED, and a paginated list needs it to rebuild an older snapshot.</summary>
internal sealed record StoredEvent(EventType Type, StoredObject Object, StoredObject? Previous)
{
    public long ResourceVersion => Object.ResourceVersion;

    public ResourceType Resource => Object.Resource;
}
