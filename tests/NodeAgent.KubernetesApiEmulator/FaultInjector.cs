namespace NodeAgent.KubernetesApiEmulation;

/// <summary>Failures queued by a test: the next N requests answer a given status.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private int _remaining;
    private int _status;

    public void FailNext(int count, int status)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        lock (_lock)
        {
            _remaining = count;
            _status = status;
        }
    }

    /// <summary>The status to fail this request with, taking one from the queue; null to serve it.</summary>
    public int? Take()
    {
        lock (_lock)
        {
            if (_remaining == 0)
            {
                return null;
            }

            _remaining--;
            return _status;
        }
    }
}
