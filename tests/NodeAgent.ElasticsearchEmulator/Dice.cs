namespace NodeAgent.ElasticsearchEmulation;

/// <summary>The one seeded source of randomness behind every fault, shared by request threads. A ratio of 0 draws
/// nothing, so turning one fault on does not shift the sequence another fault sees.</summary>
internal sealed class Dice(int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    public bool Roll(double ratio)
    {
        if (ratio <= 0)
        {
            return false;
        }

        lock (_lock)
        {
            // CA5394: reproducible fault injection wants a seeded PRNG, not a secure one.
#pragma warning disable CA5394
            return _random.NextDouble() < ratio;
#pragma warning restore CA5394
        }
    }

    /// <summary>A 20-character url-safe id, the shape of Elasticsearch's auto-generated ids.</summary>
    public string NextId()
    {
        Span<byte> bytes = stackalloc byte[15];
        lock (_lock)
        {
#pragma warning disable CA5394
            _random.NextBytes(bytes);
#pragma warning restore CA5394
        }

        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
