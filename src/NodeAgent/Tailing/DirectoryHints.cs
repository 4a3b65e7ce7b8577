using Microsoft.Extensions.Logging;

namespace NodeAgent.Tailing;

/// <summary>
/// FileSystemWatchers on the fixed directories of the include globs, used only to wake the loop early when a file
/// appears or grows: .NET opens one inotify instance per watcher (128 per user by default) and drops events on
/// overflow, so polling stays the truth (ARCHITECTURE.md).
/// </summary>
internal sealed partial class DirectoryHints : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];

    public DirectoryHints(IEnumerable<string> includeGlobs, Action wake, ILogger logger)
    {
        foreach (var directory in includeGlobs.Select(LogGlob.StaticDirectoryOf).Distinct(StringComparer.Ordinal))
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            try
            {
                var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false };
                watcher.Created += (_, _) => wake();
                watcher.Changed += (_, _) => wake();
                watcher.Renamed += (_, _) => wake();
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
            {
                // Out of inotify instances or watches: polling alone still finds everything, a little later.
                Log.WatchFailed(logger, directory, e.Message);
            }
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(810, LogLevel.Information, "no directory watch on {Directory} ({Reason}); new files are found by polling", EventName = "WatchFailed")]
        public static partial void WatchFailed(ILogger logger, string directory, string reason);
    }
}
