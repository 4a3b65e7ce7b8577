using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using NodeAgent.Metrics;
using NodeAgent.Tailing;

namespace NodeAgent.Hosting;

/// <summary>Builds and runs the one process: Kestrel (slim builder), systemd integration, the agent's services.</summary>
internal static partial class AgentHost
{
    public static async Task<int> RunAsync(AgentOptions options, IReadOnlyList<string> warnings)
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
            kestrel.Listen(options.ListenAddress);
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentHealth>();
        builder.Services.AddSingleton<IAgentMetrics>(_ => new ProcessMetrics(NodePaths.SelfProc, Path.GetDirectoryName(NodePaths.SelfProc)!));
        builder.Services.AddSingleton(sp => new CollectorContext(options.Paths, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => CollectorRegistry.Create(sp.GetRequiredService<CollectorContext>(), options.Metrics));
        builder.Services.AddSingleton(sp => new CollectorRunner(options.Metrics.CollectorTimeout, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CollectorRunner>>()));
        builder.Services.AddSingleton<ScrapeHandler>();
        LogPipeline.Register(builder.Services, options);

        await using var app = builder.Build();
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

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => Log.Started(logger, AgentVersion.Current, options.NodeName, $"http://{options.ListenAddress}"));
        lifetime.ApplicationStopping.Register(() => Log.Stopping(logger));
        lifetime.ApplicationStopped.Register(() => Log.Stopped(logger));

        try
        {
            await app.RunAsync();
            return ExitCodes.Clean;
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            Log.ListenFailed(logger, options.ListenAddress.ToString(), e.Message);
            return ExitCodes.Fatal;
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

        [LoggerMessage(5, LogLevel.Critical, "Http:ListenAddress {Address} cannot be used: {Reason}", EventName = "ListenFailed")]
        public static partial void ListenFailed(ILogger logger, string address, string reason);
    }
}
