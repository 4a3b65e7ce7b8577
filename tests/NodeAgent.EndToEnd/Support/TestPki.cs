using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// Certificates made with the openssl command line in a directory of their own, as an operator makes them: a CA,
/// server certificates for 127.0.0.1 and localhost, client certificates, and a second CA nobody trusts. Also the
/// HttpClient a test uses to reach an agent that serves TLS (trusting only this CA, with a password when asked).
/// </summary>
internal sealed class TestPki : IDisposable
{
    public const string Openssl = "/usr/bin/openssl";

    public TestPki()
    {
        Assert.True(System.IO.File.Exists(Openssl), $"{Openssl} is missing: run tests/run-all.sh, which installs openssl");
        Directory.CreateDirectory(Root);
        MakeAuthority("ca", "NodeAgent test CA");
        MakeAuthority("rogue-ca", "Somebody else's CA");
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "nodeagent-pki-" + Guid.NewGuid().ToString("N"));

    public string CaFile => File("ca.crt");

    public string File(string name) => Path.Combine(Root, name);

    /// <summary>Writes <c>name.crt</c> and <c>name.key</c>, signed by <paramref name="authority"/>.</summary>
    public void Issue(string name, string subject, bool client = false, string authority = "ca")
    {
        var extensions = File(name + ".ext");
        System.IO.File.WriteAllText(extensions, client
            ? $"subjectAltName=DNS:{subject}\nextendedKeyUsage=clientAuth\n"
            : "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", File(name + ".key"), "-out", File(name + ".csr"), "-subj", "/CN=" + subject);
        Run("x509", "-req", "-in", File(name + ".csr"), "-CA", File(authority + ".crt"), "-CAkey", File(authority + ".key"),
            "-set_serial", "0x" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)), "-days", "1", "-extfile", extensions, "-out", File(name + ".crt"));
    }

    /// <summary>An HttpClient that trusts only this CA's server certificates, with basic auth and a client
    /// certificate when given.</summary>
    public HttpClient Client(string? user = null, string? password = null, string? clientCertificate = null)
    {
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(CaFile);
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            },
        };
        if (clientCertificate is not null)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(File(clientCertificate + ".crt"), File(clientCertificate + ".key"))];
        }

        var http = new HttpClient(new SocketsHttpHandler { SslOptions = ssl }) { Timeout = TimeSpan.FromSeconds(5) };
        if (user is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return http;
    }

    private void MakeAuthority(string name, string subject) =>
        Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", File(name + ".key"), "-out", File(name + ".crt"),
            "-days", "1", "-subj", "/CN=" + subject, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");

    private static void Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(Openssl) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', arguments)} failed: {stderr.Result}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup of a temp directory.
        }
    }
}
