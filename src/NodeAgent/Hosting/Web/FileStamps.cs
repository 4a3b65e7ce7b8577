namespace NodeAgent.Hosting.Web;

/// <summary>
/// What a handful of files look like now (size and modification time of what links lead to): two equal stamps mean
/// nothing was rewritten, so the files need not be read again. Kubernetes updates a mounted Secret by pointing a
/// link at a new directory of freshly written files, which changes both; so do cert-manager and a plain rewrite.
/// </summary>
internal sealed class FileStamps : IEquatable<FileStamps>
{
    private readonly (string Path, long Length, long WriteTicks)[] _files;

    private FileStamps((string, long, long)[] files) => _files = files;

    public static FileStamps Of(IEnumerable<string> paths) =>
        new([.. paths.Select(path =>
        {
            // .NET's FileInfo describes a link itself, not what it points at: the stamp is the final target's. A missing
            // file is a state of its own (-1), not an error here.
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                info = File.ResolveLinkTarget(path, returnFinalTarget: true) as FileInfo ?? info;
            }

            return info.Exists ? (path, info.Length, info.LastWriteTimeUtc.Ticks) : (path, -1L, 0L);
        })]);

    public IEnumerable<string> Paths => _files.Select(f => f.Path);

    public bool Equals(FileStamps? other) => other is not null && _files.AsSpan().SequenceEqual(other._files);

    public override bool Equals(object? obj) => Equals(obj as FileStamps);

    public override int GetHashCode() => _files.Length == 0 ? 0 : _files[0].GetHashCode();
}
