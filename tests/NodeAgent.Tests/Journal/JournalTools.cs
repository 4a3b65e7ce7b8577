using System.Diagnostics;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Journal;

/// <summary>
/// The programs the journal tests run: systemd's own <c>systemd-journal-remote</c> (kept in /lib/systemd, off PATH)
/// writes real journal files from export-format input, <c>journalctl</c> reads them back as the reference, and
/// <c>xz</c> compresses payloads as liblzma does. Missing ones skip the test, saying which Debian package to
/// install, except under tests/run-all.sh and CI (<see cref="RequiredTool"/>), where the test fails.
/// </summary>
internal static class JournalTools
{
    public const string Remote = "systemd-journal-remote";
    public const string Journalctl = "journalctl";
    public const string Xz = "xz";

    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        [Remote] = "systemd-journal-remote",
        [Journalctl] = "systemd",
        [Xz] = "xz-utils",
    };

    public static string? Find(string tool) => RequiredTool.Find(tool, SearchPath(Environment.GetEnvironmentVariable("PATH")));

    public static string Path(string tool) =>
        Find(tool) ?? throw new Xunit.Sdk.XunitException($"{tool} is not installed (Debian package {Packages[tool]}): run tests/run-all.sh, which installs it");

    public static string? SkipReason(string[] tools)
    {
        if (RequiredTool.SkipReason(tools, name => name == "PATH" ? SearchPath(Environment.GetEnvironmentVariable("PATH")) : Environment.GetEnvironmentVariable(name)) is null)
        {
            return null;
        }

        var missing = tools.Where(t => Find(t) is null).Select(t => $"{t} is not installed (Debian package {Packages[t]})");
        return string.Join("; ", missing) + ": skipped outside tests/run-all.sh (which installs it; under it and under CI=true the test runs)";
    }

    /// <summary>Runs <paramref name="tool"/> with <paramref name="input"/> on stdin; its stdout, or a test failure
    /// with its stderr when it exits non-zero.</summary>
    public static byte[] Run(string tool, IEnumerable<string> arguments, byte[]? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Path(tool), arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new Xunit.Sdk.XunitException($"{tool} did not finish in 2 minutes");
        }

        copy.Wait();
        if (process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout.ToArray();
    }

    private static string SearchPath(string? path) => $"{path}:/lib/systemd:/usr/lib/systemd";
}

/// <summary>A fact that runs the journal tools: skipped, with the reason, when they are missing outside tests/run-all.sh and CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class JournalToolFactAttribute : FactAttribute
{
    public JournalToolFactAttribute(params string[] tools) => Skip = JournalTools.SkipReason(tools);
}

/// <summary>A theory that runs the journal tools: skipped, with the reason, when they are missing outside tests/run-all.sh and CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class JournalToolTheoryAttribute : TheoryAttribute
{
    public JournalToolTheoryAttribute(params string[] tools) => Skip = JournalTools.SkipReason(tools);
}
