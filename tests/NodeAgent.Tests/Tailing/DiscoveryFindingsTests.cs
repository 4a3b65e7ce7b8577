using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Kubernetes;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>Discovery says what it found; the reading loop, which owns the list of open files, applies it.</summary>
public sealed class DiscoveryFindingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Discovery Discovery()
    {
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:ReadFromHead=true");
        var store = new CheckpointStore(options.Logs.StatePath, TimeProvider.System, TimeSpan.FromHours(1), NullLogger<CheckpointStore>.Instance);
        var checkpointer = new Checkpointer(store, TimeProvider.System, NullLogger<Checkpointer>.Instance);
        return new Discovery(options.Logs, new DocumentDefaults("node-a", options.Elasticsearch.Target), checkpointer, new TailStatistics(), TimeProvider.System, NullLogger.Instance);
    }

    private static string Line(string message) => $"2026-12-07T10:15:00.000000001Z stdout F {message} (padded to be longer than a fingerprint)\n";

    [Fact]
    public void A_look_returns_the_files_to_hold_and_leaves_the_callers_list_alone()
    {
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("one"));
        _dir.Write("pods/shop_api_2/app/0.log", Line("two"));
        var discovery = Discovery();
        var held = new List<FileTail>();

        var found = discovery.Refresh(held);

        Assert.Empty(held);
        Assert.Equal(2, found.Open.Count);
        Assert.Empty(found.Closed);
        Assert.Equal(found.Open.Select(t => t.Path).Order(StringComparer.Ordinal), found.Open.Select(t => t.Fields.FilePath).Order(StringComparer.Ordinal));

        // Looking again with what is held finds the same files, opens nothing twice.
        var again = discovery.Refresh(found.Open);
        Assert.Equal(found.Open, again.Open);
        foreach (var tail in found.Open)
        {
            tail.Dispose();
        }
    }

    [Fact]
    public void A_turn_that_closes_nothing_hands_back_the_callers_list_without_a_copy()
    {
        // CloseDrained runs after every reading turn: with a thousand files open, a copy each time was garbage many
        // times a second.
        _dir.Write("pods/shop_web_1/nginx/0.log", Line("one"));
        var discovery = Discovery();
        var held = discovery.Refresh([]).Open;

        var found = discovery.CloseDrained(held);

        Assert.Same(held, found.Open);
        Assert.Empty(found.Closed);
        foreach (var tail in held)
        {
            tail.Dispose();
        }
    }

    [Fact]
    public void A_file_drained_after_rotation_is_returned_as_closed_for_the_caller_to_dispose()
    {
        var path = _dir.Write("pods/shop_web_1/nginx/0.log", Line("only"));
        var discovery = Discovery();
        var found = discovery.Refresh([]);
        var tail = Assert.Single(found.Open);
        var records = new List<NodeAgent.Delivery.LogRecord>();
        tail.Pump(1 << 20, records, DateTimeOffset.UtcNow);
        foreach (var record in records)
        {
            tail.Acks.Acknowledge(record.StartOffset);
        }

        File.Move(path, path + ".20261207-101500");
        var rotated = discovery.Refresh(found.Open);
        Assert.True(Assert.Single(rotated.Open).Rotated);
        tail.RotatedAt = DateTimeOffset.UtcNow - NodeAgent.Tailing.Discovery.RotateWait - TimeSpan.FromSeconds(1);

        var closing = discovery.CloseDrained(rotated.Open);

        Assert.Empty(closing.Open);
        Assert.Same(tail, Assert.Single(closing.Closed));
        tail.Dispose();
    }
}
