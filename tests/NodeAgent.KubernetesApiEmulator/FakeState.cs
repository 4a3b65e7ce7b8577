namespace NodeAgent.KubernetesApiEmulation;

/// <summary>Everything a request handler reads, shared by the routes.</summary>
internal sealed class FakeState(FakeKubernetesApiOptions options, TimeProvider time) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public FakeKubernetesApiOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public ObjectStore Store { get; } = new(time);

    public RequestLog Requests { get; } = new();

    public FaultInjector Faults { get; } = new();

    public WatchRegistry Watches { get; } = new();

    /// <summary>Cancelled when the fake is disposed: open watches end so that Kestrel can stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void Stop() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
