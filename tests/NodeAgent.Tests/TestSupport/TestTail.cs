using NodeAgent.Kubernetes;
using NodeAgent.Parsing;
using NodeAgent.Tailing;

namespace NodeAgent.Tests.TestSupport;

/// <summary>A real <see cref="FileTail"/> over a one-byte file, for tests of what is built from a file's records (bulk
/// bodies): they need its context and acknowledgements, never its reading.</summary>
internal static class TestTail
{
    public static FileTail Open(TempDirectory dir, bool parseJson = false)
    {
        var path = dir.Write("app.log", "x");
        var handle = File.OpenHandle(path);
        var context = DocumentFields.Create("node-a", path, null, parseJson: parseJson);
        return new FileTail(path, handle, FileIdentity.Read(handle), 0, context, 1 << 20, new LogDecoder(1 << 20));
    }
}
