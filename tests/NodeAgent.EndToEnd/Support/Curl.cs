using System.Diagnostics;

namespace NodeAgent.EndToEnd.Support;

/// <summary>The curl command line, as an operator checks an endpoint by hand.</summary>
internal static class Curl
{
    public const string Binary = "/usr/bin/curl";

    /// <summary>Runs curl with <paramref name="arguments"/> after <c>-sS --max-time 10</c>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: run tests/run-all.sh, which installs curl");
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-sS", "--max-time", "10", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The HTTP status curl saw (<c>-w %{http_code}</c>, the body thrown away): "000" when there was no
    /// HTTP answer at all.</summary>
    public static async Task<(int ExitCode, string Status, string Stderr)> StatusAsync(string url, params string[] arguments)
    {
        var (exit, stdout, stderr) = await RunAsync([.. arguments, "-o", "/dev/null", "-w", "%{http_code}", url]);
        return (exit, stdout.Trim(), stderr);
    }
}
