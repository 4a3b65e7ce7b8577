using Microsoft.Extensions.Logging;

// The agent runs on Linux only (file modes are the point here), so the Unix file-mode APIs' Windows warning does not apply.
#pragma warning disable CA1416

namespace NodeAgent.Delivery;

/// <summary>
/// <c>Logs:StatePath</c> is private to the agent: the dead-letter file holds whole log lines and the checkpoint file
/// names every container's log file, while the logs themselves are readable by root and the log group only (0640).
/// The directory is created 0700 and every state file 0600 (the mode given to mkdir(2) and open(2), so no file is
/// ever briefly readable by others); at start, a directory or state file left looser (by an older version, a
/// hostPath created 0755 by kubelet, or a copied backup) is tightened and said so.
/// </summary>
internal static partial class StateDirectory
{
    /// <summary>0700.</summary>
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>0600.</summary>
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The checkpoint file (its temporary and set-aside copies start with this name).</summary>
    public const string CheckpointFileName = "checkpoints.json";

    /// <summary>Documents the output refused for good.</summary>
    public const string DeadLetterFileName = "dead-letter.ndjson";

    /// <summary>Where the systemd journal was read up to (its checkpoints).</summary>
    public const string JournalCheckpointFileName = "journal.json";

    // Every name the agent writes there: the checkpoint files, their temporary and set-aside copies, the dead letters.
    private static readonly string[] StateFilePrefixes = [CheckpointFileName, DeadLetterFileName, JournalCheckpointFileName];

    /// <summary>Creates the directory (and missing parents) 0700; one that exists is left as it is.</summary>
    public static void Create(string directory) => Directory.CreateDirectory(directory, PrivateDirectory);

    /// <summary>Opens a state file for writing; created 0600 when it does not exist.</summary>
    public static FileStream OpenWrite(string path, FileMode mode, FileShare share) =>
        new(path, new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share, UnixCreateMode = PrivateFile });

    /// <summary>
    /// At start: takes group and other permissions off the agent's own files in the directory and, when it holds
    /// nothing else, off the directory. A directory that holds other files is shared (a <c>Logs:StatePath</c> set to
    /// <c>/var/lib</c> or <c>/tmp</c> by mistake): changing its mode could break the host, so it is only warned about.
    /// Never fatal: a mode that cannot be changed (another owner, a read-only mount) is logged and the agent goes on.
    /// </summary>
    public static void Tighten(string directory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (!Directory.Exists(directory))
        {
            return;
        }

        var others = new List<string>();
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                // A symbolic link is not a file the agent wrote (it writes in place): chmod would follow it out of the
                // directory.
                if (IsStateFile(Path.GetFileName(entry)) && File.Exists(entry) && new FileInfo(entry).LinkTarget is null)
                {
                    TightenOne(entry, logger);
                }
                else
                {
                    others.Add(Path.GetFileName(entry));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.NotTightened(logger, directory, e.Message);
            return;
        }

        if (others.Count > 0)
        {
            if ((Mode(directory) & GroupAndOthers) != 0)
            {
                Log.Shared(logger, directory, Octal(Mode(directory)), string.Join(", ", others.Order(StringComparer.Ordinal).Take(5)));
            }

            return;
        }

        TightenOne(directory, logger);
    }

    /// <summary>Whether the agent writes a file of this name in the state directory.</summary>
    internal static bool IsStateFile(string name) =>
        StateFilePrefixes.Any(prefix => name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal));

    private static void TightenOne(string path, ILogger logger)
    {
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupAndOthers) == 0)
            {
                return;
            }

            var tightened = mode & ~GroupAndOthers;
            File.SetUnixFileMode(path, tightened);
            Log.Tightened(logger, path, Octal(mode), Octal(tightened));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.NotTightened(logger, path, e.Message);
        }
    }

    private static UnixFileMode Mode(string path)
    {
        try
        {
            return File.GetUnixFileMode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return UnixFileMode.None;
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    private static partial class Log
    {
        [LoggerMessage(654, LogLevel.Information, "{Path} was open to users other than its owner ({Mode}); it is now {Tightened}", EventName = "StatePermissionsTightened")]
        public static partial void Tightened(ILogger logger, string path, string mode, string tightened);

        [LoggerMessage(655, LogLevel.Warning, "cannot make {Path} private to the agent: {Reason}", EventName = "StatePermissionsNotTightened")]
        public static partial void NotTightened(ILogger logger, string path, string reason);

        [LoggerMessage(656, LogLevel.Warning, "the state directory {Path} ({Mode}) holds other files than the agent's ({Others}): its mode is left as it is; give the agent a directory of its own, mode 0700", EventName = "StateDirectoryShared")]
        public static partial void Shared(ILogger logger, string path, string mode, string others);
    }
}
