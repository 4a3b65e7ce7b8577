using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Xunit.Sdk;

namespace NodeAgent.TestSupport;

/// <summary>
/// Waits for state another thread or process changes (compiled into each test project): polls until the condition
/// holds, and fails with what was awaited and the last value seen when it does not within the time given. The one
/// way the suite waits on a condition; a fixed sleep before an assert passes or fails with the machine's speed.
/// </summary>
internal static class Eventually
{
    /// <summary>Long enough for a loaded two-core machine; short enough that a hang fails the test, not the run.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Until <paramref name="condition"/> holds. With a value to show on failure, prefer
    /// <see cref="ValueAsync{T}(Func{T}, Func{T, bool}, string, TimeSpan?)"/>.</summary>
    /// <param name="what">What is awaited, as the failure message shows it ("every record acknowledged").</param>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        await WaitAsync(() => Task.FromResult(condition()), done => done, what, timeout, _ => "still false");

    /// <summary>Until the value read satisfies <paramref name="done"/>; returns that value.</summary>
    public static Task<T> ValueAsync<T>(Func<T> read, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        ValueAsync(() => Task.FromResult(read()), done, what, timeout);

    /// <summary>Until the value read satisfies <paramref name="done"/>; returns that value.</summary>
    public static Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        WaitAsync(read, done, what, timeout, value => "last seen: " + Describe(value));

    /// <summary>Waits up to <paramref name="timeout"/> for <paramref name="condition"/> and says whether it held, for
    /// a caller whose own assertions after the wait explain a failure better (what arrived, what is missing).</summary>
    public static async Task<bool> HoldsWithinAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(Poll);
        }

        return true;
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout, Func<T, string> seen)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                    $"not within {limit.TotalSeconds:0.###} s: {what}; {seen(value)}"));
            }

            await Task.Delay(Poll);
        }
    }

    /// <summary>A value as the failure message shows it: a collection by its count and first items.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "null",
        string text => text.Length > 500 ? $"\"{text[..500]}…\" ({text.Length} chars)" : $"\"{text}\"",
        ICollection items => $"{items.Count} items [{string.Join(", ", items.Cast<object?>().Take(5).Select(Short))}{(items.Count > 5 ? ", …" : "")}]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static string Short(object? item) => item?.ToString() is { } text ? (text.Length > 120 ? text[..120] + "…" : text) : "null";
}
