using NodeAgent.TestSupport;
using Xunit.Sdk;

namespace NodeAgent.Tests.Suite;

/// <summary>The one wait on a condition (tests/Shared/Eventually.cs): it returns as soon as the condition holds, and a
/// failure says what was awaited and what was last seen.</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task Returns_the_value_once_it_satisfies_the_condition()
    {
        var reads = 0;
        var value = await Eventually.ValueAsync(() => ++reads, n => n >= 3, "three reads");
        Assert.Equal(3, value);
    }

    [Fact]
    public async Task A_failure_names_what_was_awaited_and_the_last_value_seen()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            Eventually.ValueAsync(() => 41, n => n == 42, "the answer", TimeSpan.FromMilliseconds(100)));

        Assert.Equal("not within 0.1 s: the answer; last seen: 41", failure.Message);
    }

    [Fact]
    public async Task A_collection_is_shown_by_its_count_and_first_items()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            Eventually.ValueAsync(() => new List<string> { "a", "b" }, l => l.Count == 3, "three documents", TimeSpan.FromMilliseconds(50)));

        Assert.EndsWith("three documents; last seen: 2 items [a, b]", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_condition_that_stays_false_fails_with_what_was_awaited()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            Eventually.TrueAsync(() => false, "the watch to be registered", TimeSpan.FromMilliseconds(50)));

        Assert.Equal("not within 0.05 s: the watch to be registered; still false", failure.Message);
    }

    [Fact]
    public async Task An_asynchronous_read_is_awaited_each_time()
    {
        var reads = 0;
        var value = await Eventually.ValueAsync(async () => { await Task.Yield(); return ++reads; }, n => n == 2, "two reads");
        Assert.Equal(2, value);
    }
}
