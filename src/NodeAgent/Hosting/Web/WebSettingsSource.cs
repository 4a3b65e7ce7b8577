using Microsoft.Extensions.Logging;

namespace NodeAgent.Hosting.Web;

/// <summary>
/// The web settings in force, loaded again when the file or a file it names changes. exporter-toolkit reads the file
/// on every request and the certificate on every handshake; here each handshake and request looks at most once a
/// second whether the files' stamps changed (a few stat calls), and reads them only then. A change that does not load
/// (a certificate written before its key, a typo) keeps the settings in force and is logged once; the next change
/// is tried again. Whether TLS is on and HTTP/2 is offered are the listener's, fixed at start (as in
/// exporter-toolkit): a change of either waits for a restart.
/// </summary>
internal sealed partial class WebSettingsSource
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private WebSettings _current;
    private long _nextCheck;
    private FileStamps? _refused;

    public WebSettingsSource(WebSettings initial, TimeProvider time, ILogger logger)
    {
        _current = initial;
        _time = time;
        _logger = logger;
        _nextCheck = time.GetTimestamp() + (long)(CheckInterval.TotalSeconds * time.TimestampFrequency);
        RateLimiter = initial.Config.RateLimit is { } rate ? new TokenBucket(rate, time) : null;
    }

    /// <summary>exporter-toolkit builds its limiter once, at start: so does this.</summary>
    public TokenBucket? RateLimiter { get; }

    public bool Tls => _current.Config.Tls is not null;

    public bool Http2 => _current.Config.Http2;

    public WebSettings Current
    {
        get
        {
            if (_time.GetTimestamp() >= Volatile.Read(ref _nextCheck))
            {
                Refresh();
            }

            return Volatile.Read(ref _current);
        }
    }

    /// <summary>What the listener serves, said once at start as exporter-toolkit's "TLS is enabled" line is.</summary>
    public void LogInUse()
    {
        var config = _current.Config;
        Log.InUse(_logger, _current.FilePath, config.Tls is null ? "off" : $"on ({_current.Certificate?.Subject})",
            config.Tls is null ? "no" : config.Http2 ? "yes" : "no", config.Tls?.ClientAuth.ToString() ?? "NoClientCert", config.Users.Count,
            config.RateLimit is { } rate ? $"{rate.Burst} per {ConfigValues.FormatDuration(rate.Interval)} burst" : "none");
    }

    private void Refresh()
    {
        // One caller checks; the others go on with the settings in force rather than wait for its stat calls.
        if (!_gate.TryEnter())
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            if (now < _nextCheck)
            {
                return;
            }

            Volatile.Write(ref _nextCheck, now + (long)(CheckInterval.TotalSeconds * _time.TimestampFrequency));
            var current = _current;
            var unchanged = _refused is { } refused ? FileStamps.Of(refused.Paths).Equals(refused) : FileStamps.Of(current.Stamps.Paths).Equals(current.Stamps);
            if (unchanged)
            {
                return;
            }

            var load = WebSettings.Load(current.FilePath, current);
            var problem = load.Settings is not { } next ? string.Join("; ", load.Errors)
                : (next.Config.Tls is null) != (current.Config.Tls is null) ? "tls_server_config was added or removed: whether the listener serves TLS changes with a restart only"
                : next.Config.Http2 != current.Config.Http2 ? "http_server_config.http2 changed: HTTP/2 is switched on or off with a restart only"
                : null;
            if (problem is not null)
            {
                // What was just read, stamped before reading: it is not read again until one of those files changes.
                _refused = load.Stamps;
                Log.ReloadRefused(_logger, current.FilePath, problem);
                return;
            }

            _refused = null;
            Volatile.Write(ref _current, load.Settings!);
            Log.Reloaded(_logger, current.FilePath, load.Settings!.Certificate?.Subject ?? "none", load.Settings.Config.Users.Count);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1202, LogLevel.Information, "Web configuration {Path}: TLS {Tls}, HTTP/2 {Http2}, client certificates {ClientAuth}, basic auth for {Users} users, rate limit {RateLimit}", EventName = "WebConfigInUse")]
        public static partial void InUse(ILogger logger, string path, string tls, string http2, string clientAuth, int users, string rateLimit);

        [LoggerMessage(1200, LogLevel.Information, "Web configuration {Path} loaded again after a change: certificate {Subject}, {Users} basic auth users", EventName = "WebConfigReloaded")]
        public static partial void Reloaded(ILogger logger, string path, string subject, int users);

        [LoggerMessage(1201, LogLevel.Error, "Web configuration {Path} changed but is not used, the previous one stays in force: {Problem}", EventName = "WebConfigReloadRefused")]
        public static partial void ReloadRefused(ILogger logger, string path, string problem);
    }
}
