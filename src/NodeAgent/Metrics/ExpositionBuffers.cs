using System.Buffers;

namespace NodeAgent.Metrics;

/// <summary>
/// The exposition buffers of the scrapes in flight. Each scrape owns its buffer until its response is sent, so a
/// client that stops reading holds only its own. A few are kept between scrapes: a full node scrape is ~100 KiB (MBs
/// with a large textfile directory), and allocating it each time would put a large-object allocation on every scrape.
/// At most <see cref="MaxInFlight"/> scrapes hold one at once (node_exporter's <c>--web.max-requests</c> default):
/// clients that open connections and never read cannot grow the agent's memory without bound.
/// </summary>
internal sealed class ExpositionBuffers
{
    public const int MaxInFlight = 40;

    // One scraper, or an HA pair of Prometheus servers whose scrapes rarely overlap, reuses these.
    private const int Kept = 2;
    private const int InitialCapacity = 128 * 1024;

    private readonly Lock _lock = new();
    private readonly Stack<ArrayBufferWriter<byte>> _free = new(Kept);
    private int _inFlight;
    private int _lastSize = InitialCapacity;

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>An empty buffer for one scrape, or null when <see cref="MaxInFlight"/> scrapes hold one already.</summary>
    public ArrayBufferWriter<byte>? TryRent()
    {
        int sizeHint;
        lock (_lock)
        {
            if (_inFlight >= MaxInFlight)
            {
                return null;
            }

            _inFlight++;
            if (_free.TryPop(out var buffer))
            {
                buffer.ResetWrittenCount();
                return buffer;
            }

            sizeHint = _lastSize;
        }

        // Only while another scrape holds a kept buffer (a slow client): sized like the last body, so it is not
        // regrown by doubling.
        return new ArrayBufferWriter<byte>(sizeHint);
    }

    public void Return(ArrayBufferWriter<byte> buffer)
    {
        lock (_lock)
        {
            _inFlight--;
            _lastSize = Math.Max(InitialCapacity, buffer.WrittenCount);
            if (_free.Count < Kept)
            {
                _free.Push(buffer);
            }
        }
    }
}
