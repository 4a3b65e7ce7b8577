namespace NodeAgent.Journal;

/// <summary>
/// A journal file the reader refuses: not a journal, written by a newer systemd with a feature it does not know, or
/// damaged (truncated, an offset outside the file, a loop, an absurd size). <see cref="Offset"/> is where in the file
/// the problem was found, when it is one object's.
/// </summary>
internal sealed class JournalFormatException : IOException
{
    public JournalFormatException(string path, string reason, long? offset = null)
        : base(offset is { } at ? $"{path}: {reason} (at offset {at})" : $"{path}: {reason}")
    {
        Path = path;
        Reason = reason;
        Offset = offset;
    }

    public string Path { get; }

    public string Reason { get; }

    public long? Offset { get; }
}
