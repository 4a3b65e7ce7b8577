using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging;
using NodeAgent.Hosting.Web;
using NodeAgent.Metrics;
using NodeAgent.Tailing;
using NodeAgent.Telemetry;

namespace NodeAgent.Hosting;

/// <summary>Builds and runs the one process: Kestrel (slim builder), systemd integration, the agent's services.</summary>
internal static partial class AgentHost
{
    /// <param name="addServices">Tests only: services added after the agent's own.</param>
    public static async Task<int> RunAsync(AgentOptions options, IReadOnlyList<string> warnings, Action<IServiceCollection>? addServices = null)
    {
        // .NET's default action for SIGHUP ends the process, as SIGTERM's does: a closed terminal, or an operator used
        // to "kill -HUP reloads the configuration", would take node metrics and log shipping down. Until configuration
        // reload exists the signal is logged and ignored. Registered first, so no moment of start-up is exposed; the
        // log line waits for the logger.
        ILogger? hangupLogger = null;
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            if (Volatile.Read(ref hangupLogger) is { } log)
            {
                Log.HangupIgnored(log);
            }
        });

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });

        // The configuration was read and validated from the contract's sources; nothing else (ASPNETCORE_URLS,
        // appsettings.json) may change what the agent does behind the user's back.
        builder.Configuration.Sources.Clear();

        // Type=notify under systemd (READY=1 once started, STOPPING=1 on SIGTERM); a no-op anywhere else.
        builder.Host.UseSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        ConfigureLogging(builder.Logging, builder.Services, options.Logging, toStderr: options.Logs.Enabled && options.Output == OutputKind.Console);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.ListenAddress, listen => WebListener.Configure(listen, kestrel.ApplicationServices.GetService<WebSettingsSource>()));
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentHealth>();
        builder.Services.AddSingleton<InternalErrors>();
        builder.Services.AddSingleton<IAgentMetrics>(sp => sp.GetRequiredService<InternalErrors>());
        builder.Services.AddSingleton<IAgentMetrics>(_ => new ProcessMetrics(NodePaths.SelfProc, Path.GetDirectoryName(NodePaths.SelfProc)!));
        builder.Services.AddSingleton(sp => new CollectorContext(options.Paths, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => CollectorRegistry.Create(sp.GetRequiredService<CollectorContext>(), options.Metrics));
        builder.Services.AddSingleton(sp => new CollectorRunner(options.Metrics.CollectorTimeout, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CollectorRunner>>()));
        // Metrics:AgentMetrics=false (node_exporter's --web.disable-exporter-metrics): the node families only.
        builder.Services.AddSingleton(sp => new ScrapeHandler(
            sp.GetRequiredService<CollectorRegistry>(), sp.GetRequiredService<CollectorRunner>(), options.Metrics.AgentMetrics ? sp.GetServices<IAgentMetrics>() : [],
            exporterMetrics: options.Metrics.AgentMetrics));
        if (options.Web is { } web)
        {
            builder.Services.AddSingleton(sp => new WebSettingsSource(web, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebSettingsSource>>()));
        }

        LogPipeline.Register(builder.Services, options);
        addServices?.Invoke(builder.Services);

        await using var app = builder.Build();
        if (app.Services.GetService<WebSettingsSource>() is { } webSettings)
        {
            // Before the endpoints: basic auth, the headers and the rate limit cover all of them.
            app.Use(new WebAccess(webSettings).InvokeAsync);
            webSettings.LogInUse();
        }

        Endpoints.Map(app, app.Services.GetRequiredService<ScrapeHandler>(), app.Services.GetRequiredService<AgentHealth>(), options, app.Services.GetService<FileServer>());

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NodeAgent");
        Volatile.Write(ref hangupLogger, logger);
        foreach (var warning in warnings)
        {
            Log.ConfigurationWarning(logger, warning);
        }

        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        if (registry.NotImplemented.Count > 0)
        {
            Log.CollectorsNotImplemented(logger, string.Join(", ", registry.NotImplemented));
        }

        if (options.Logs.Enabled && StatePathProblem(options.Logs.StatePath) is { } problem)
        {
            Log.StatePathUnusable(logger, options.Logs.StatePath, problem);
            return ExitCodes.Fatal;
        }

        var started = false;
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() =>
        {
            started = true;
            // The address Kestrel bound, not the configured one: with port 0 the kernel chose the port, and this line
            // is the only place that says which (tests start agents side by side this way).
            Log.Started(logger, AgentVersion.Current, options.NodeName, app.Urls.FirstOrDefault() ?? $"http://{options.ListenAddress}");
        });
        lifetime.ApplicationStopping.Register(() => Log.Stopping(logger));
        lifetime.ApplicationStopped.Register(() => Log.Stopped(logger));

        // Taken now: RunAsync disposes the host, and its service provider with it.
        var backgroundServices = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();

        // Exit 0 means "stopped because asked to" (SIGTERM, SIGINT): systemd's Restart=on-failure and anyone reading the
        // exit code rely on every failure, before start-up completes or after, exiting 1 instead.
        try
        {
            await app.RunAsync();
        }
        catch (OperationCanceledException) when (!started && lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // SIGTERM (or a failed service, below) while the host was starting its services: the start is abandoned,
            // which is a stop, not a failure of its own.
        }
        catch (Exception e) when (!started && IsListenFailure(e))
        {
            Log.ListenFailed(logger, options.ListenAddress.ToString(), e.Message);
            return ExitCodes.Fatal;
        }
        catch (Exception e)
        {
            Log.HostFailed(logger, started ? "while running" : "before start-up completed", e.Message, e);
            return ExitCodes.Fatal;
        }

        // On .NET 10 a BackgroundService that throws stops the host (BackgroundServiceExceptionBehavior.StopHost) and
        // RunAsync returns as after SIGTERM: only the service's task tells the two apart.
        var faulted = backgroundServices.Where(s => s.ExecuteTask is { IsFaulted: true }).ToList();
        foreach (var service in faulted)
        {
            var exception = service.ExecuteTask!.Exception!.GetBaseException();
            Log.ServiceFailed(logger, service.GetType().Name, exception.Message, exception);
        }

        return faulted.Count == 0 ? ExitCodes.Clean : ExitCodes.Fatal;
    }

    /// <summary>A bind(2) that fails: Kestrel wraps EADDRINUSE, other errors (EADDRNOTAVAIL, EACCES below port 1024)
    /// come as they are.</summary>
    private static bool IsListenFailure(Exception e) =>
        e is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException }
        || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
        || e is System.Net.Sockets.SocketException;

    /// <summary>Why the state directory cannot be created, or null. Created 0700 when missing: it holds the checkpoints
    /// and the dead-letter file (full log lines). A directory that cannot even be created means every checkpoint save
    /// would fail while the agent looked healthy: better a start-up failure that names it.</summary>
    private static string? StatePathProblem(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <param name="toStderr">The console output owns stdout (one document per line): the agent's own logs then go
    /// to stderr.</param>
    private static void ConfigureLogging(ILoggingBuilder logging, IServiceCollection services, LoggingOptions options, bool toStderr)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(options.Level);
        // A scrape must not write log lines; framework chatter is for troubleshooting only.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("System", LogLevel.Warning);
        services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = toStderr ? LogLevel.Trace : LogLevel.None);
        if (options.Format == LogFormat.Json)
        {
            services.AddSingleton<ConsoleFormatter, JsonLineFormatter>();
            logging.AddConsole(o => o.FormatterName = JsonLineFormatter.FormatterName);
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "NodeAgent {Version} started on node {Node}, serving {Address}", EventName = "Started")]
        public static partial void Started(ILogger logger, string version, string node, string address);

        [LoggerMessage(2, LogLevel.Warning, "{Warning}", EventName = "ConfigurationWarning")]
        public static partial void ConfigurationWarning(ILogger logger, string warning);

        [LoggerMessage(3, LogLevel.Information, "Stopping: finishing in-flight work", EventName = "Stopping")]
        public static partial void Stopping(ILogger logger);

        [LoggerMessage(4, LogLevel.Information, "Stopped", EventName = "Stopped")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(6, LogLevel.Information, "Enabled collectors not implemented in this build (see README): {Collectors}", EventName = "CollectorsNotImplemented")]
        public static partial void CollectorsNotImplemented(ILogger logger, string collectors);

        [LoggerMessage(7, LogLevel.Information, "SIGHUP received and ignored: configuration reload is not supported yet, the running configuration stays (restart the agent to apply a change)", EventName = "HangupIgnored")]
        public static partial void HangupIgnored(ILogger logger);

        [LoggerMessage(8, LogLevel.Critical, "Logs:StatePath {Path} cannot be created: {Reason}", EventName = "StatePathUnusable")]
        public static partial void StatePathUnusable(ILogger logger, string path, string reason);

        [LoggerMessage(9, LogLevel.Critical, "The agent failed {When}: {Reason}", EventName = "HostFailed")]
        public static partial void HostFailed(ILogger logger, string when, string reason, Exception exception);

        [LoggerMessage(10, LogLevel.Critical, "{Service} failed and stopped the agent: {Reason}", EventName = "ServiceFailed")]
        public static partial void ServiceFailed(ILogger logger, string service, string reason, Exception exception);

        [LoggerMessage(5, LogLevel.Critical, "Http:ListenAddress {Address} cannot be used: {Reason}", EventName = "ListenFailed")]
        public static partial void ListenFailed(ILogger logger, string address, string reason);
    }
}
