using System.Collections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodeAgent.Hosting;

namespace NodeAgent.Tests.Hosting;

/// <summary>
/// Issue 11, point 6: the exit code tells a supervisor (systemd's <c>Restart=on-failure</c>, the kubelet) whether the
/// agent failed. On .NET 10 a <see cref="BackgroundService"/> that throws stops the host
/// (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>) and <c>RunAsync</c> returns normally, so without a
/// look at the services afterwards the process would exit 0 as after SIGTERM. These run the real host, in process,
/// with one extra service standing for a loop that fails.
/// </summary>
public sealed class AgentHostExitCodeTests
{
    private static AgentOptions Options()
    {
        var (layers, errors) = ConfigLayers.Load("/nonexistent", null, new Hashtable(),
            ["--Http:ListenAddress=127.0.0.1:0", "--Logs:Enabled=false", "--Kubernetes:Enabled=false", "--Logging:Level=Critical"]);
        var report = AgentOptionsReader.Read(layers, errors, "node-a", "host");
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        return report.Options!;
    }

    private static Task<int> RunWith<TService>(Func<IServiceProvider, TService> service)
        where TService : class, IHostedService =>
        AgentHost.RunAsync(Options(), [], services => services.AddHostedService(service)).WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_background_service_that_faults_after_start_up_makes_the_agent_exit_1()
    {
        Assert.Equal(ExitCodes.Fatal, await RunWith(sp => new Faulting(sp.GetRequiredService<IHostApplicationLifetime>(), synchronously: false)));
    }

    [Fact]
    public async Task A_background_service_that_faults_while_starting_makes_the_agent_exit_1_not_crash()
    {
        Assert.Equal(ExitCodes.Fatal, await RunWith(sp => new Faulting(sp.GetRequiredService<IHostApplicationLifetime>(), synchronously: true)));
    }

    [Fact]
    public async Task A_stop_asked_for_after_start_up_exits_0()
    {
        Assert.Equal(ExitCodes.Clean, await RunWith(sp => new StopsOnceStarted(sp.GetRequiredService<IHostApplicationLifetime>())));
    }

    [Fact]
    public async Task A_stop_asked_for_while_starting_exits_0()
    {
        Assert.Equal(ExitCodes.Clean, await RunWith(sp => new StopsWhileStarting(sp.GetRequiredService<IHostApplicationLifetime>())));
    }

    /// <summary>Stands for SIGTERM arriving while the host starts its services: the lifetime is told to stop
    /// (as the console lifetime does on the signal) before start-up completes.</summary>
    private sealed class StopsWhileStarting(IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Faulting(IHostApplicationLifetime lifetime, bool synchronously) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (synchronously)
            {
                throw new InvalidOperationException("broken before its first await");
            }

            await WhenStarted(lifetime, stoppingToken);
            throw new InvalidOperationException("broken after start-up");
        }
    }

    private sealed class StopsOnceStarted(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await WhenStarted(lifetime, stoppingToken);
            lifetime.StopApplication();
        }
    }

    private static Task WhenStarted(IHostApplicationLifetime lifetime, CancellationToken cancellation)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellation);
    }
}
