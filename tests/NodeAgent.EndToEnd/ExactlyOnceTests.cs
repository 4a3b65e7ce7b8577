using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using Xunit.Abstractions;
using static NodeAgent.EndToEnd.Support.NumberedLines;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Exactly once where it is hard (issue 12, point 7), each proof checking that its hard case happened: the agent killed
/// while a bulk request it sent was stored but not yet answered, a whole request refused 429 with <c>Retry-After</c>,
/// and an answer lost after the documents were stored. Each ends with every line stored exactly once
/// (<see cref="NumberedLines.AssertEachLineStoredOnce"/>).
/// </summary>
public sealed class ExactlyOnceTests(ITestOutputHelper output)
{
    /// <summary>Backoff.Cap: the longest the agent waits, whatever Retry-After says.</summary>
    private static readonly TimeSpan RetryAfterClamp = TimeSpan.FromSeconds(30);

    // Timers may fire a little late, never early; this only absorbs the two clocks' reading.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(50);

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s");
    }

    private static string DeadLetterPath(AgentConfig config) => Path.Combine(config.Root, "state", "dead-letter.ndjson");

    /// <summary>The attempts at each body (a body sent again carries the same ids), in arrival order.</summary>
    private static List<List<BulkRequestRecord>> AttemptsByBody(ElasticsearchEmulator emulator) =>
        [.. emulator.BulkRequests.GroupBy(r => r.FirstId).Select(g => g.OrderBy(r => r.ReceivedAt).ToList())];

    [Fact]
    public async Task Killed_three_times_while_a_request_was_stored_but_unanswered_every_line_is_stored_exactly_once_and_the_replays_got_409()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        // Each bulk is stored, then its answer held for 2 s: a kill in that time leaves documents stored that the
        // agent never heard about, so it must send them again after the restart and take the 409s as delivered.
        // Small bodies: several requests per round, so the kill lands between the first stored and the last written.
        emulator.UpdateFaults(f => f with { AnswerDelay = TimeSpan.FromSeconds(2) });
        string[] arguments = [.. AgentArguments(config, emulator.Url), "--Elasticsearch:MaxBatchBytes=16KiB"];
        var written = 0;
        for (var kill = 0; kill < 3; kill++)
        {
            await using var agent = await config.StartAgentAsync(arguments);
            var before = emulator.Count(Target);
            Write(LogPath(config), written, 500);
            written += 500;
            // Killed as soon as a request of this run was stored: its answer is still held.
            await EventuallyAsync(() => emulator.Count(Target) > before ? "" : null, TimeSpan.FromSeconds(60), "a request stored");
            agent.Signal(AgentProcess.SigKill);
            var stored = emulator.Count(Target);
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(20));
            output.WriteLine($"kill {kill + 1}: {stored} of {written} lines stored");
            Assert.True(stored > 0 && stored < written, $"kill {kill + 1}: the emulator held {stored} of the {written} lines written; a kill mid-request needs some but not all");
        }

        var conflictsBefore = emulator.Stats.ItemsConflict;
        emulator.UpdateFaults(f => f with { AnswerDelay = TimeSpan.Zero });
        await using var last = await config.StartAgentAsync(arguments);
        await WaitUntilStoredAsync(emulator, written, TimeSpan.FromSeconds(60));

        AssertEachLineStoredOnce(emulator, written);
        // Each kill left at least one document stored and unanswered, so unacknowledged, so read and sent again after
        // the restart: at least one 409 per kill. (The killed runs' own replays may add more.)
        var conflicts = emulator.Stats.ItemsConflict;
        output.WriteLine($"409s: {conflictsBefore} before the last start, {conflicts} in all; created {emulator.Stats.ItemsCreated} of {written}");
        Assert.True(conflicts >= 3, $"{conflicts} create replays answered 409 over three kills mid-request (before the last start: {conflictsBefore})");
        // The last run's replays were answered 409 and taken as delivered: counted as duplicates, none dead-lettered.
        Assert.True(conflicts > conflictsBefore, "the last run replayed nothing the third kill left unanswered");
        Assert.Contains($"nodeagent_elasticsearch_documents_total{{result=\"duplicate\"}} {conflicts - conflictsBefore}\n", await config.AgentMetricsAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(DeadLetterPath(config)), "a replay answered 409 was dead-lettered");
    }

    [Fact]
    public async Task A_request_refused_429_with_retry_after_is_sent_again_after_that_wait_clamped_and_every_line_is_stored_once()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        emulator.UpdateFaults(f => f with { RequestRejectionRatio = 1, RetryAfter = TimeSpan.FromSeconds(2) });
        Write(LogPath(config), 0, 300);
        await using var agent = await config.StartAgentAsync(AgentArguments(config, emulator.Url));

        // Three refusals of one body with Retry-After: 2; then one with Retry-After: 3600, which the agent clamps.
        await EventuallyAsync(() => AttemptsByBody(emulator).FirstOrDefault(a => a.Count(r => r.Status == 429) >= 3), TimeSpan.FromSeconds(60), "three 429s");
        emulator.UpdateFaults(f => f with { RetryAfter = TimeSpan.FromHours(1) });
        await EventuallyAsync(() => emulator.BulkRequests.FirstOrDefault(r => r.RetryAfter == "3600"), TimeSpan.FromSeconds(60), "a 429 with Retry-After: 3600");
        emulator.UpdateFaults(f => f with { RequestRejectionRatio = 0, RetryAfter = null });
        await WaitUntilStoredAsync(emulator, 300, RetryAfterClamp + TimeSpan.FromSeconds(30));

        AssertEachLineStoredOnce(emulator, 300);
        var gaps = AttemptsByBody(emulator)
            .SelectMany(attempts => attempts.Zip(attempts.Skip(1), (refused, next) => (refused.RetryAfter, Wait: next.ReceivedAt - refused.ReceivedAt)))
            .ToList();
        var shortWaits = gaps.Where(g => g.RetryAfter == "2").Select(g => g.Wait).ToList();
        var clampedWaits = gaps.Where(g => g.RetryAfter == "3600").Select(g => g.Wait).ToList();
        output.WriteLine($"waits after Retry-After: 2: {string.Join(", ", shortWaits.Select(w => w.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))} s; after Retry-After: 3600: {string.Join(", ", clampedWaits.Select(w => w.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))} s");
        Assert.True(shortWaits.Count >= 3, $"{shortWaits.Count} waits after a Retry-After: 2");
        Assert.NotEmpty(clampedWaits);
        // The agent's own backoff for its first attempts is at most 0.2, 0.4, 0.8 s: a wait of 2 s is the header's.
        Assert.All(shortWaits, w => Assert.InRange(w, TimeSpan.FromSeconds(2) - ClockSlack, TimeSpan.FromSeconds(3.5)));
        Assert.All(clampedWaits, w => Assert.InRange(w, RetryAfterClamp - ClockSlack, RetryAfterClamp + TimeSpan.FromSeconds(3)));
        var refusals = emulator.BulkRequests.Count(r => r.Status == 429);
        Assert.Contains($"nodeagent_elasticsearch_requests_total{{status=\"429\"}} {refusals}\n", await config.AgentMetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_dropped_after_the_documents_were_stored_is_sent_again_answered_409_and_every_line_is_stored_once()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        emulator.UpdateFaults(f => f with { DropAfterStoringRatio = 1 });
        Write(LogPath(config), 0, 300);
        await using var agent = await config.StartAgentAsync(AgentArguments(config, emulator.Url));

        // The first attempt stored and went unanswered, and so did the agent's first resend of it.
        await EventuallyAsync(() => AttemptsByBody(emulator).FirstOrDefault(a => a.Count(r => r.Status == 0) >= 2), TimeSpan.FromSeconds(60), "a body dropped twice");
        emulator.UpdateFaults(f => f with { DropAfterStoringRatio = 0 });
        await EventuallyAsync(() => emulator.BulkRequests.FirstOrDefault(r => r.Status == 200), TimeSpan.FromSeconds(60), "an answered request");
        await WaitUntilStoredAsync(emulator, 300, TimeSpan.FromSeconds(60));

        AssertEachLineStoredOnce(emulator, 300);
        // Every attempt at a body after its first was a replay of documents already stored: all 409, none stored again.
        var requests = emulator.BulkRequests;
        var stats = emulator.Stats;
        output.WriteLine($"{stats.DroppedAfterStoring} answers lost after storing, {stats.ItemsConflict} items answered 409, {requests.Count} bulk requests");
        Assert.True(stats.DroppedAfterStoring >= 2, $"{stats.DroppedAfterStoring} answers lost after storing");
        Assert.Equal(requests.Sum(r => r.Items) - 300, stats.ItemsConflict);
        Assert.True(stats.ItemsConflict > 0);
        // The agent saw the 409s of the answered replays, and took them as delivered.
        var answeredReplays = AttemptsByBody(emulator).SelectMany(a => a.Skip(1)).Where(r => r.Status == 200).Sum(r => r.Items);
        Assert.True(answeredReplays > 0);
        Assert.Contains($"nodeagent_elasticsearch_documents_total{{result=\"duplicate\"}} {answeredReplays}\n", await config.AgentMetricsAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(DeadLetterPath(config)), "a replay answered 409 was dead-lettered");
    }
}
