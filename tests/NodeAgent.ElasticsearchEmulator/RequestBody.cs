using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>A request body read whole, decompressed as its Content-Encoding says (Elasticsearch accepts gzip and
/// deflate when http.compression is on, its default).</summary>
internal readonly record struct RequestBody(byte[] Bytes, long Received)
{
    public static async Task<RequestBody> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        using var raw = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 4096);
        await request.Body.CopyToAsync(raw, cancellation);
        var received = raw.Length;
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return new RequestBody(raw.ToArray(), received);
        }

        raw.Position = 0;
        Stream decompressor = encoding.ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(raw, CompressionMode.Decompress, leaveOpen: true),
            _ => throw new BulkFormatException("illegal_argument_exception", $"unsupported Content-Encoding [{encoding}]"),
        };
        await using (decompressor)
        {
            using var plain = new MemoryStream((int)Math.Min(received * 8, 64 << 20));
            try
            {
                await decompressor.CopyToAsync(plain, cancellation);
            }
            catch (InvalidDataException e)
            {
                throw new BulkFormatException("illegal_argument_exception", $"failed to decompress the {encoding} request body: {e.Message}");
            }

            return new RequestBody(plain.ToArray(), received);
        }
    }

    /// <summary>Elasticsearch refuses a body whose media type it does not know with a flat 406, before any parsing.</summary>
    public static string? UnsupportedContentType(HttpRequest request, bool ndjson)
    {
        var type = request.ContentType;
        if (string.IsNullOrEmpty(type))
        {
            return "Content-Type header is missing";
        }

        var media = type.Split(';')[0].Trim();
        var accepted = media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/vnd.elasticsearch+json", StringComparison.OrdinalIgnoreCase)
            || (ndjson && (media.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
                || media.Equals("application/vnd.elasticsearch+x-ndjson", StringComparison.OrdinalIgnoreCase)));
        return accepted ? null : $"Content-Type header [{type}] is not supported";
    }
}
