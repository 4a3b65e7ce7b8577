using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// The <c>node_mountstats_nfs_*</c> families node_exporter 1.12 derives from each counter of an NFS mount's statistics
/// (after the <c>node_mountstats_nfs_</c> prefix), with its HELP texts unchanged, two of which repeat another
/// family's (vfs_open's and vfs_setattr's).
/// </summary>
internal static class MountStatsFamilies
{
    /// <summary>Counters of the <c>bytes:</c> line, by index.</summary>
    public static readonly (int Index, string Name, string Help)[] Bytes =
    [
        (0, "read_bytes_total", "Number of bytes read using the read() syscall."),
        (1, "write_bytes_total", "Number of bytes written using the write() syscall."),
        (2, "direct_read_bytes_total", "Number of bytes read using the read() syscall in O_DIRECT mode."),
        (3, "direct_write_bytes_total", "Number of bytes written using the write() syscall in O_DIRECT mode."),
        (4, "total_read_bytes_total", "Number of bytes read from the NFS server, in total."),
        (5, "total_write_bytes_total", "Number of bytes written to the NFS server, in total."),
        (6, "read_pages_total", "Number of pages read directly via mmap()'d files."),
        (7, "write_pages_total", "Number of pages written directly via mmap()'d files."),
    ];

    /// <summary>Counters of an <c>xprt:</c> line as <see cref="Procfs.NfsTransportStats"/> lays them out (not the
    /// port, the connect idle time nor the active requests).</summary>
    public static readonly (int Index, string Name, MetricType Type, string Help)[] Transport =
    [
        (1, "transport_bind_total", MetricType.Counter, "Number of times the client has had to establish a connection from scratch to the NFS server."),
        (2, "transport_connect_total", MetricType.Counter, "Number of times the client has made a TCP connection to the NFS server."),
        (4, "transport_idle_time_seconds", MetricType.Gauge, "Duration since the NFS mount last saw any RPC traffic, in seconds."),
        (5, "transport_sends_total", MetricType.Counter, "Number of RPC requests for this mount sent to the NFS server."),
        (6, "transport_receives_total", MetricType.Counter, "Number of RPC responses for this mount received from the NFS server."),
        (7, "transport_bad_transaction_ids_total", MetricType.Counter, "Number of times the NFS server sent a response with a transaction ID unknown to this client."),
        (9, "transport_backlog_queue_total", MetricType.Counter, "Total number of items added to the RPC backlog queue."),
        (10, "transport_maximum_rpc_slots", MetricType.Gauge, "Maximum number of simultaneously active RPC requests ever used."),
        (11, "transport_sending_queue_total", MetricType.Counter, "Total number of items added to the RPC transmission sending queue."),
        (12, "transport_pending_queue_total", MetricType.Counter, "Total number of items added to the RPC transmission pending queue."),
    ];

    /// <summary>Numbers of a per-op line, by index.</summary>
    public static readonly (int Index, string Name, string Help)[] Operations =
    [
        (0, "operations_requests_total", "Number of requests performed for a given operation."),
        (1, "operations_transmissions_total", "Number of times an actual RPC request has been transmitted for a given operation."),
        (2, "operations_major_timeouts_total", "Number of times a request has had a major timeout for a given operation."),
        (3, "operations_sent_bytes_total", "Number of bytes sent for a given operation, including RPC headers and payload."),
        (4, "operations_received_bytes_total", "Number of bytes received for a given operation, including RPC headers and payload."),
        (5, "operations_queue_time_seconds_total", "Duration all requests spent queued for transmission for a given operation before they were sent, in seconds."),
        (6, "operations_response_time_seconds_total", "Duration all requests took to get a reply back after a request for a given operation was transmitted, in seconds."),
        (7, "operations_request_time_seconds_total", "Duration all requests took from when a request was enqueued to when it was completely handled for a given operation, in seconds."),
    ];

    /// <summary>Counters of the <c>events:</c> line, by index (18, congestion waits, is not reported).</summary>
    public static readonly (int Index, string Name, string Help)[] Events =
    [
        (0, "event_inode_revalidate_total", "Number of times cached inode attributes are re-validated from the server."),
        (1, "event_dnode_revalidate_total", "Number of times cached dentry nodes are re-validated from the server."),
        (2, "event_data_invalidate_total", "Number of times an inode cache is cleared."),
        (3, "event_attribute_invalidate_total", "Number of times cached inode attributes are invalidated."),
        (4, "event_vfs_open_total", "Number of times cached inode attributes are invalidated."),
        (5, "event_vfs_lookup_total", "Number of times a directory lookup has occurred."),
        (6, "event_vfs_access_total", "Number of times permissions have been checked."),
        (7, "event_vfs_update_page_total", "Number of updates (and potential writes) to pages."),
        (8, "event_vfs_read_page_total", "Number of pages read directly via mmap()'d files."),
        (9, "event_vfs_read_pages_total", "Number of times a group of pages have been read."),
        (10, "event_vfs_write_page_total", "Number of pages written directly via mmap()'d files."),
        (11, "event_vfs_write_pages_total", "Number of times a group of pages have been written."),
        (12, "event_vfs_getdents_total", "Number of times directory entries have been read with getdents()."),
        (13, "event_vfs_setattr_total", "Number of times directory entries have been read with getdents()."),
        (14, "event_vfs_flush_total", "Number of pending writes that have been forcefully flushed to the server."),
        (15, "event_vfs_fsync_total", "Number of times fsync() has been called on directories and files."),
        (16, "event_vfs_lock_total", "Number of times locking has been attempted on a file."),
        (17, "event_vfs_file_release_total", "Number of times files have been closed and released."),
        (19, "event_truncation_total", "Number of times files have been truncated."),
        (20, "event_write_extension_total", "Number of times a file has been grown due to writes beyond its existing end."),
        (21, "event_silly_rename_total", "Number of times a file was removed while still open by another process."),
        (22, "event_short_read_total", "Number of times the NFS server gave less data than expected while reading."),
        (23, "event_short_write_total", "Number of times the NFS server wrote less data than expected while writing."),
        (24, "event_jukebox_delay_total", "Number of times the NFS server indicated EJUKEBOX; retrieving data from offline storage."),
        (25, "event_pnfs_read_total", "Number of NFS v4.1+ pNFS reads."),
        (26, "event_pnfs_write_total", "Number of NFS v4.1+ pNFS writes."),
    ];
}
