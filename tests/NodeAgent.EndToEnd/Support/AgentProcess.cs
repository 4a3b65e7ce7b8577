using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// The built agent as a real child process: started with arguments and environment, its stdout and stderr captured
/// line by line, stopped with a real signal. Set NODEAGENT_TEST_AGENT to test another build (the AOT publish).
/// </summary>
internal sealed partial class AgentProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process) => _process = process;

    public static string BinaryPath { get; } = FindBinary();

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    /// <summary>The agent's own log lines, wherever they went: stdout, or stderr when the console output owns stdout
    /// (document lines, which carry "@timestamp", are left out).</summary>
    public IReadOnlyList<string> Logs => [.. _stdout.Concat(_stderr).Where(l => !l.Contains("\"@timestamp\"", StringComparison.Ordinal))];

    public int Id => _process.Id;

    /// <summary>Starts the agent; <paramref name="workingDirectory"/> (default: the test's) is where relative paths in
    /// its configuration resolve, as node_exporter's end-to-end test runs it from its fixture folder.</summary>
    public static AgentProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The agent must not pick up the developer's own NODEAGENT_* settings.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("NODEAGENT_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => Collect(e.Data, agent._stdout, agent._stdoutClosed);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, agent._stderr, agent._stderrClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>Runs the agent to completion (a verb such as --version or check-config, or a start that must fail).</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> RunToExitAsync(params string[] arguments)
    {
        await using var agent = Start(arguments);
        var exit = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return (exit, agent.Stdout, agent.Stderr);
    }

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the agent did not exit within {timeout.TotalSeconds}s; stderr:\n{string.Join('\n', Stderr)}");
        }

        // Exit is reported before the pipes drain: wait for both to close so no last line is missed.
        await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(5));
        return _process.ExitCode;
    }

    /// <summary>Where this agent serves, once <see cref="WaitUntilServingAsync"/> has seen it.</summary>
    public Uri? BaseAddress { get; private set; }

    /// <summary>Waits for the agent's <c>Started</c> line (the address it bound, port 0 included), then until that
    /// address answers as this agent (<see cref="ServerReadiness.IsAgentAsync"/>); fails fast if it exits first.</summary>
    /// <param name="client">How to reach it when it serves TLS or asks for a password (else a plain client).</param>
    public async Task<Uri> WaitUntilServingAsync(TimeSpan timeout, HttpClient? client = null)
    {
        using var plain = client is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(2) } : null;
        var http = client ?? plain!;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException($"the agent exited with {_process.ExitCode} before serving; stderr:\n{string.Join('\n', Stderr)}\nstdout:\n{string.Join('\n', Stdout)}");
            }

            if (ServerReadiness.AgentStartedLine(Logs) is var (address, node) && await ServerReadiness.IsAgentAsync(http, address, node))
            {
                BaseAddress = address;
                return address;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the agent did not say where it serves, or did not answer there as itself, within {timeout.TotalSeconds}s; logs:\n{string.Join('\n', Logs)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Collect(string? line, ConcurrentQueue<string> lines, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
        }
        else
        {
            lines.Enqueue(line);
        }
    }

    private static string FindBinary()
    {
        if (Environment.GetEnvironmentVariable("NODEAGENT_TEST_AGENT") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : throw new FileNotFoundException($"NODEAGENT_TEST_AGENT={configured} does not exist");
        }

        // tests/NodeAgent.EndToEnd/bin/<Configuration>/net10.0/ → src/NodeAgent/bin/<Configuration>/net10.0/node-agent
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var binary = Path.Combine(root, "src", "NodeAgent", "bin", configuration, testBin.Name, "node-agent");
        return File.Exists(binary) ? binary : throw new FileNotFoundException($"the agent was not built at {binary}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
