using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary><see cref="OutageMode.StallBody"/>: the answer is made as usual, then only its head and half its body go
/// out. A client that waits for the headers alone (HttpClient's timeout with ResponseHeadersRead) is then stuck in
/// the body read, which is what this fault is for.</summary>
internal static class StalledAnswer
{
    public static async Task SendAsync(HttpContext context, EmulatorState state, Func<Task> handle)
    {
        var wire = context.Response.Body;
        using var held = new MemoryStream();
        context.Response.Body = held;
        try
        {
            await handle();
        }
        finally
        {
            context.Response.Body = wire;
        }

        // The Content-Length the handler set stays the whole body's: the client knows more is due.
        await wire.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length / 2), context.RequestAborted);
        await wire.FlushAsync(context.RequestAborted);
        state.Stats.Stalled();

        // Held until the client gives up, or the emulator stops (which would otherwise wait out Kestrel's shutdown
        // timeout for this request).
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, end.Token);
        }
        catch (OperationCanceledException)
        {
            // Either way the answer stays unfinished.
        }

        // Cut, never completed: the client must not take half a body for a whole one.
        context.Abort();
    }
}
