using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Journal;
using NodeAgent.Parsing;
using NodeAgent.Telemetry;

namespace NodeAgent.Tailing.Journald;

/// <summary>
/// The systemd journal as an input of the log pipeline (issue 14, point 2), read from journald's own files by
/// <see cref="Journal.JournalFileReader"/>: each journal file is tailed as a container log file is
/// (<see cref="JournalTail"/>), its entries shipped exactly once. A loop of its own, with its own liveness heartbeat
/// (<c>journal</c>): finds the files (<see cref="Journal.JournalDirectory"/>, every <see cref="ListInterval"/> when a
/// directory changed, and at once when an open file turns out archived, which is journald rotating it), reads every open file in turn up to a
/// quantum of entries while the <see cref="BufferBudget"/> has room (the output never makes the loop wait), and hands
/// each run of entries that share a document context to the shared <see cref="ILogOutput"/> as one
/// <see cref="LogBatch"/>. Checkpoints come from the acknowledgement watermarks (<see cref="JournalCheckpoints"/>).
/// </summary>
internal sealed partial class JournalInput : BackgroundService
{
    /// <summary>How often the journal directories are listed when nothing says to list them sooner: listing opens
    /// every journal file to read its header.</summary>
    public static readonly TimeSpan ListInterval = TimeSpan.FromSeconds(5);

    /// <summary>Entries and message bytes one file may read per turn: throughput, and fairness between files.</summary>
    private const int QuantumEntries = 1024;
    private const int QuantumBytes = 256 * 1024;

    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(250);

    private readonly JournalOptions _journal;
    private readonly LogsOptions _logs;
    private readonly string _nodeName;
    private readonly ILogOutput _output;
    private readonly BufferBudget _budget;
    private readonly JournalStatistics _statistics;
    private readonly AgentHealth _health;
    private readonly InternalErrors _errors;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JournalCheckpoints _checkpoints;
    private readonly JournalDocuments _documents;
    private readonly JournalEntryFilter _filter;
    private readonly JournalReaderOptions _readerOptions;
    private readonly RecordArena _arena = new();
    private readonly List<LogRecord> _records = [];

    // The open files: an array replaced, never changed, so metrics read it without a lock.
    private volatile JournalTail[] _tails = [];
    private int _nextTurnStart;

    public JournalInput(JournalOptions journal, LogsOptions logs, string nodeName, ILogOutput output, BufferBudget budget, JournalStatistics statistics,
        AgentHealth health, InternalErrors errors, TimeProvider time, ILogger<JournalInput> logger)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(logs);
        _journal = journal;
        _logs = logs;
        _nodeName = nodeName;
        _output = output;
        _budget = budget;
        _statistics = statistics;
        _health = health;
        _errors = errors;
        _time = time;
        _logger = logger;
        _checkpoints = new JournalCheckpoints(new JournalCheckpointStore(logs.StatePath, time, logs.CheckpointExpiry, logger), time, logger);
        _documents = new JournalDocuments(nodeName, journal.DataStream, logs.MaxMessageBytes);
        _filter = new JournalEntryFilter(journal.Units, journal.SkipOwnEntries ? Environment.GetEnvironmentVariable("INVOCATION_ID") : null);
        // A field is decoded up to what a message may ship (the reader's default, 16 MiB a field and 64 MiB an entry,
        // is for a core dump kept in the journal, which no document carries), and an entry to a few such fields.
        var maxField = Math.Max(JournalReaderOptions.MinimumFieldBytes, logs.MaxMessageBytes + "MESSAGE=".Length);
        _readerOptions = new JournalReaderOptions { MaxFieldBytes = maxField, MaxEntryBytes = (int)Math.Min(int.MaxValue, 8L * maxField) };
    }

    /// <summary>How often the directories are listed (<see cref="ListInterval"/>; tests shorten it).</summary>
    internal TimeSpan ListEvery { get; init; } = ListInterval;

    /// <summary>The open journal files, for metrics.</summary>
    public IReadOnlyList<JournalTail> Tails => _tails;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave start-up to the host; the loop runs on the thread pool.
        await Task.Yield();
        var nextList = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            _health.Beat("journal", TimeSpan.FromSeconds(60));
            bool progressed;
            try
            {
                if (_listNow || (now >= nextList && _directories.MustList(_journal.Paths)))
                {
                    List();
                    nextList = now + ListEvery;
                }

                progressed = await ReadTurnAsync(stoppingToken);
                CloseFinished();
                _checkpoints.MaybeSave(Tails, now);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // As the file loop: a bug or an unexpected error must not end the input for good. Nothing read in the
                // failed turn was acknowledged, so the checkpoints stay behind it: entries are read again, never lost.
                _errors.Count("journal");
                Log.TurnFailed(_logger, e);
                progressed = false;
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            if (!progressed)
            {
                await Task.Delay(IdleWait, _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One turn: every open file reads up to a quantum, while the budget has room; the next turn begins with
    /// the first file the budget stopped, so the room the output frees goes round the files. True when anything was
    /// read.</summary>
    private async Task<bool> ReadTurnAsync(CancellationToken stoppingToken)
    {
        var tails = _tails;
        var progressed = false;
        var first = tails.Length == 0 ? 0 : _nextTurnStart % tails.Length;
        try
        {
            for (var i = 0; i < tails.Length; i++)
            {
                var tail = tails[(first + i) % tails.Length];
                if (tail.Finished)
                {
                    continue;
                }

                if (_budget.ShouldPauseReading)
                {
                    _nextTurnStart = (first + i) % tails.Length;
                    break;
                }

                try
                {
                    progressed |= await ReadAsync(tail, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Entries registered and never handed out would hold this file's watermark forever: the file is
                    // closed and opened again from its checkpoint at the next listing (what the output has of it keeps
                    // its ids).
                    _errors.Count("journal");
                    Log.ReadFailed(_logger, tail.Path, e);
                    Reopen(tail);
                }
            }
        }
        finally
        {
            // Every send of the turn has completed: the output has encoded the records' timestamps.
            _arena.Reset();
        }

        return progressed;
    }

    /// <summary>Reads one file's next entries, up to the quantum, and hands them to the output: each run of entries
    /// with one document context as one batch, registered with the watermark before it is handed out (an output may
    /// acknowledge within <see cref="ILogOutput.SendAsync"/>).</summary>
    private async Task<bool> ReadAsync(JournalTail tail, CancellationToken stoppingToken)
    {
        _records.Clear();
        DocumentContext? context = null;
        AckWatermark? acks = null;
        var read = 0;
        var bytes = 0L;
        try
        {
            while (read < QuantumEntries && bytes < QuantumBytes)
            {
                var status = tail.Next(out var entry);
                if (status is JournalTailRead.Damaged or JournalTailRead.Broken)
                {
                    Damaged(tail, status);
                    if (status == JournalTailRead.Damaged)
                    {
                        continue;
                    }
                }

                if (status != JournalTailRead.Entry)
                {
                    if (status == JournalTailRead.End && tail.Retired && !tail.Gone)
                    {
                        // Archived: journald has rotated it, and its successor is to be found now.
                        _listNow = true;
                    }

                    break;
                }

                read++;
                var inOrder = tail.Accept(entry!.Seqnum);
                if (!_filter.Wants(entry))
                {
                    _statistics.CountFiltered();
                    continue;
                }

                if (!inOrder)
                {
                    _statistics.Errors.Add("out_of_order");
                    if (!tail.ReportedOutOfOrder)
                    {
                        tail.ReportedOutOfOrder = true;
                        Log.OutOfOrder(_logger, tail.Path, entry.Seqnum, tail.LastSeen);
                    }
                }

                var record = _documents.Record(entry, _arena);
                var entryContext = _documents.Context(tail.Path, entry);
                var entryAcks = inOrder ? tail.Acks : tail.Unordered;
                if (_records.Count > 0 && (!ReferenceEquals(entryContext, context) || !ReferenceEquals(entryAcks, acks)))
                {
                    await SendAsync(tail, context!, acks!, stoppingToken);
                }

                if (inOrder)
                {
                    tail.Acks.Register(record.StartOffset, record.EndOffset);
                }

                _records.Add(record);
                context = entryContext;
                acks = entryAcks;
                bytes += record.Message.Length;
                _statistics.CountShipped();
            }

            if (_records.Count > 0)
            {
                await SendAsync(tail, context!, acks!, stoppingToken);
            }
        }
        finally
        {
            // After the registrations: the watermark never passes an entry not yet registered.
            tail.Framed();
        }

        return read > 0;
    }

    private async Task SendAsync(JournalTail tail, DocumentContext context, AckWatermark acks, CancellationToken stoppingToken)
    {
        await _output.SendAsync(new LogBatch(tail.IdKey, context, _records, acks), stoppingToken);
        _records.Clear();
    }

    private void Damaged(JournalTail tail, JournalTailRead status)
    {
        _statistics.Errors.Add("damaged");
        if (status == JournalTailRead.Broken)
        {
            Log.Broken(_logger, tail.Path, tail.Damage?.Message ?? "");
        }
        else if (!tail.ReportedDamage)
        {
            // Once per file: a badly damaged file would say it for every entry.
            tail.ReportedDamage = true;
            Log.EntrySkipped(_logger, tail.Path, tail.Damage?.Message ?? "");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
        _checkpoints.Save(Tails);
        Log.Stopped(_logger, Tails.Count);
    }

    public override void Dispose()
    {
        foreach (var tail in _tails)
        {
            tail.Dispose();
        }

        _arena.Dispose();
        base.Dispose();
    }
}
