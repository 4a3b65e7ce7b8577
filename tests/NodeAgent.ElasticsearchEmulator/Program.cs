using System.Runtime.InteropServices;
using NodeAgent.ElasticsearchEmulation;

// Runs the emulator as its own process, for end-to-end tests and benchmarks that start the agent separately:
//   dotnet run --project tests/NodeAgent.ElasticsearchEmulator -- --port 9200 [--count-only]
var (options, error) = CommandLine.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync(error);
    return 2;
}

await using var emulator = await ElasticsearchEmulator.StartAsync(options);
Console.WriteLine($"Elasticsearch emulator {ElasticsearchEmulator.Version} listening on {emulator.Url.ToString().TrimEnd('/')}{(options.CountOnly ? " (count-only)" : "")}");

var stop = new TaskCompletionSource();
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
await stop.Task;

var stats = emulator.Stats;
Console.WriteLine(
    $"documents created {stats.ItemsCreated}, duplicates {stats.ItemsConflict}, rejected {stats.ItemsRejected}, mapping errors {stats.ItemsMappingError}, "
    + $"requests {stats.Requests} (bulk {stats.BulkRequests}, dropped {stats.DroppedConnections}), bytes received {stats.BytesReceived} ({stats.BytesDecompressed} decompressed)");
return 0;

void Stop(PosixSignalContext context)
{
    // Handled here: the summary is printed and the listener stopped before the process exits 0.
    context.Cancel = true;
    stop.TrySetResult();
}
