namespace NodeAgent.ElasticsearchEmulation;

/// <summary>Everything the endpoints share: the store, templates, counters, dice and the current faults.</summary>
internal sealed class EmulatorState(EmulatorOptions options)
{
    private FaultSettings _faults = FaultSettings.None;

    public EmulatorOptions Options { get; } = options;

    public DocumentStore Store { get; } = new(options.CountOnly, options.Time);

    public IndexTemplates Templates { get; } = new();

    public StatsCounters Stats { get; } = new();

    public BulkRequestLog BulkRequests { get; } = new();

    public Dice Dice { get; } = new(options.Seed);

    public FaultSettings Faults
    {
        get => Volatile.Read(ref _faults);
        set => Volatile.Write(ref _faults, value ?? FaultSettings.None);
    }

    public void UpdateFaults(Func<FaultSettings, FaultSettings> change)
    {
        while (true)
        {
            var current = Faults;
            if (ReferenceEquals(Interlocked.CompareExchange(ref _faults, change(current) ?? FaultSettings.None, current), current))
            {
                return;
            }
        }
    }

    public EmulatorStats Snapshot() => Stats.Snapshot(Store.DocumentCount);

    public void Reset()
    {
        Store.Clear();
        Templates.Clear();
        Stats.Reset();
        BulkRequests.Clear();
        Faults = FaultSettings.None;
    }
}
