using Microsoft.Extensions.Logging;
using NodeAgent.Hosting.Web;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting.Web;

/// <summary>A rotated certificate is used without a restart (exporter-toolkit reads it at every handshake; here a
/// change of the files is looked for at most once a second), and a change that does not load keeps what works.</summary>
public sealed class WebSettingsSourceTests : IDisposable
{
    private const string TlsFile = "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n";

    private readonly TempDirectory _dir = new();
    private readonly TestCertificates _ca = new();
    private readonly SteppedClock _time = new();
    private readonly ListLogger _log = new();

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    private void WriteServerFiles(string subject, string directory = "tls")
    {
        var (cert, key) = _ca.Issue(subject);
        _dir.Write($"{directory}/server.crt", cert);
        _dir.Write($"{directory}/server.key", key);
    }

    private WebSettingsSource Start(string yaml)
    {
        var path = _dir.Write("web.yml", yaml);
        var load = WebSettings.Load(path);
        Assert.Empty(load.Errors);
        return new WebSettingsSource(load.Settings!, _time, _log);
    }

    [Fact]
    public void A_rewritten_certificate_and_key_are_used_from_the_next_check_on()
    {
        WriteServerFiles("first");
        var source = Start(TlsFile);
        Assert.Equal("CN=first", source.Current.Certificate!.Subject);

        WriteServerFiles("second");
        Assert.Equal("CN=first", source.Current.Certificate!.Subject);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("CN=second", source.Current.Certificate!.Subject);
        Assert.Equal("CN=second", ((System.Security.Cryptography.X509Certificates.X509Certificate2)source.Current.ServerOptions().ServerCertificateContext!.TargetCertificate).Subject);
        Assert.Contains(_log.Entries, e => e.Id == 1200);
    }

    [Fact]
    public void A_kubernetes_secret_update_by_symlink_swap_is_picked_up()
    {
        // The kubelet's atomic writer: files live in a timestamped directory, "..data" links to it, and each file
        // name links through "..data"; an update writes a new directory and swaps the link.
        WriteServerFiles("first", "..2026_01_01");
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "..data"), "..2026_01_01");
        Directory.CreateDirectory(Path.Combine(_dir.Path, "tls"));
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "tls", "server.crt"), "../..data/server.crt");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "tls", "server.key"), "../..data/server.key");
        var source = Start(TlsFile);
        Assert.Equal("CN=first", source.Current.Certificate!.Subject);

        WriteServerFiles("second", "..2026_02_01");
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "..data_tmp"), "..2026_02_01");
        RenameOver(Path.Combine(_dir.Path, "..data_tmp"), Path.Combine(_dir.Path, "..data"));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("CN=second", source.Current.Certificate!.Subject);
    }

    /// <summary>rename(2) of a link over a link, as the kubelet swaps "..data" (.NET's moves refuse a link to a
    /// directory as the source of a file move and an existing target of a directory move).</summary>
    private static void RenameOver(string from, string to)
    {
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", from, to]);
        mv.WaitForExit();
        Assert.Equal(0, mv.ExitCode);
    }

    [Fact]
    public void Unchanged_files_are_not_read_again()
    {
        WriteServerFiles("first");
        var source = Start(TlsFile);
        var first = source.Current;

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Same(first, source.Current);
        Assert.DoesNotContain(_log.Entries, e => e.Id is 1200 or 1201);
    }

    [Fact]
    public void A_change_that_does_not_load_keeps_the_settings_in_force_and_is_logged_once()
    {
        WriteServerFiles("first");
        var source = Start(TlsFile);
        var (_, strayKey) = _ca.Issue("stray");
        _dir.Write("tls/server.key", strayKey); // a key written before its certificate

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("CN=first", source.Current.Certificate!.Subject);
        }

        var refused = Assert.Single(_log.Entries, e => e.Id == 1201);
        Assert.Equal(LogLevel.Error, refused.Level);
        Assert.Contains("tls_server_config.cert_file: not a PEM certificate whose private key is in key_file", refused.Message, StringComparison.Ordinal);

        WriteServerFiles("second"); // and then the certificate
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("CN=second", source.Current.Certificate!.Subject);
    }

    [Fact]
    public void New_users_apply_without_a_restart_and_turning_tls_off_waits_for_one()
    {
        WriteServerFiles("first");
        var source = Start(TlsFile);
        Assert.Null(source.Current.Authenticator);

        _dir.Write("web.yml", TlsFile + $"basic_auth_users:\n  prometheus: {WebConfigParserTests.Hash}\n");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(source.Current.Authenticator);

        _dir.Write("web.yml", $"basic_auth_users:\n  prometheus: {WebConfigParserTests.Hash}\n");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(source.Current.Config.Tls);
        Assert.Contains(_log.Entries, e => e.Id == 1201 && e.Message.Contains("tls_server_config was added or removed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_certificate_keeps_the_remembered_passwords()
    {
        WriteServerFiles("first");
        var source = Start(TlsFile + $"basic_auth_users:\n  prometheus: {WebConfigParserTests.Hash}\n");
        var header = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("prometheus:" + WebConfigParserTests.Password));
        Assert.True(await source.Current.Authenticator!.IsAuthorizedAsync(header, default));

        WriteServerFiles("second");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("CN=second", source.Current.Certificate!.Subject);
        Assert.True(await source.Current.Authenticator!.IsAuthorizedAsync(header, default));
        Assert.Equal(1, source.Current.Authenticator.Comparisons);
    }
}
