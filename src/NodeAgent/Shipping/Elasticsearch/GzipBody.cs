using System.IO.Compression;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// A bulk body kept compressed while it is built: NDJSON is deflated in as it comes (gzip, zlib level 1, as the
/// request goes on the wire), so a request holds about a fifteenth of its NDJSON from being built until it is
/// answered for (issue 12: 5 MiB bodies, up to four of them and their gzip copies, were most of the agent's memory).
/// The rare paths that need the documents again (a retry of some items, a split, a dead letter) inflate it once.
/// </summary>
internal sealed class GzipBody : IDisposable
{
    private readonly MemoryStream _compressed = new();
    private GZipStream? _gzip;

    /// <summary>NDJSON bytes deflated in so far.</summary>
    public int NdjsonBytes { get; private set; }

    /// <summary>The gzip trailer is written: nothing more can be added until <see cref="Clear"/>.</summary>
    public bool IsSealed { get; private set; }

    public void Append(ReadOnlySpan<byte> ndjson)
    {
        if (IsSealed)
        {
            throw new InvalidOperationException("the body was sealed");
        }

        // zlib level 1 (Fastest): about 5 µs per document; a higher level buys little on log lines.
        _gzip ??= new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true);
        _gzip.Write(ndjson);
        NdjsonBytes += ndjson.Length;
    }

    /// <summary>Ends the gzip stream and returns what goes on the wire.</summary>
    public ReadOnlyMemory<byte> Seal()
    {
        if (!IsSealed)
        {
            _gzip ??= new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true);
            _gzip.Dispose();
            _gzip = null;
            IsSealed = true;
        }

        return _compressed.GetBuffer().AsMemory(0, (int)_compressed.Length);
    }

    /// <summary>The NDJSON again (seals first).</summary>
    public byte[] Inflate()
    {
        var wire = Seal();
        var ndjson = new byte[NdjsonBytes];
        using var gunzip = new GZipStream(new MemoryStream(_compressed.GetBuffer(), 0, wire.Length, writable: false), CompressionMode.Decompress);
        gunzip.ReadExactly(ndjson);
        return ndjson;
    }

    public void Clear()
    {
        _gzip?.Dispose();
        _gzip = null;
        _compressed.SetLength(0);
        NdjsonBytes = 0;
        IsSealed = false;
    }

    public void Dispose()
    {
        Clear();
        _compressed.Dispose();
    }
}
