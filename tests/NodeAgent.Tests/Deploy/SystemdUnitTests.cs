using System.Diagnostics;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Deploy;

/// <summary>
/// deploy/systemd/node-agent.service passes <c>systemd-analyze verify</c> (systemd 252 here) with no finding at all.
/// verify exits 0 on unknown keys and bad values (it only prints them), so the test requires empty output.
/// It does not resolve User=: a missing node-agent user on this machine is not a finding, so the User line stays as shipped.
/// </summary>
public sealed class SystemdUnitTests
{
    private static readonly string UnitPath = Repository.File("deploy", "systemd", "node-agent.service");

    private static readonly string[] UnitLines = File.ReadAllLines(UnitPath);

    [ToolFact("systemd-analyze")]
    public void Systemd_analyze_verify_reports_nothing()
    {
        // verify fails if ExecStart's binary is missing; only that line is changed, to an executable that exists.
        var text = File.ReadAllText(UnitPath).Replace("ExecStart=/usr/local/bin/node-agent", "ExecStart=/bin/true", StringComparison.Ordinal);
        Assert.Contains("ExecStart=/bin/true", text, StringComparison.Ordinal);

        var (exitCode, output) = Verify(text);

        Assert.True(exitCode == 0 && output.Length == 0, $"systemd-analyze verify exited {exitCode}:\n{output}");
    }

    /// <summary>Guards the test above: verify does print findings for this kind of unit, so silence means something.</summary>
    [ToolFact("systemd-analyze")]
    public void Systemd_analyze_verify_does_report_a_broken_unit()
    {
        var text = File.ReadAllText(UnitPath).Replace("ExecStart=/usr/local/bin/node-agent", "ExecStart=/bin/true", StringComparison.Ordinal)
            .Replace("NoNewPrivileges=yes", "NoNewPrivileges=yes\nNoSuchHardeningOption=yes", StringComparison.Ordinal);

        var (_, output) = Verify(text);

        Assert.Contains("NoSuchHardeningOption", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Type=notify")]
    [InlineData("ExecStart=/usr/local/bin/node-agent")]
    [InlineData("DynamicUser=no")]
    [InlineData("User=node-agent")]
    [InlineData("Group=node-agent")]
    [InlineData("SupplementaryGroups=adm systemd-journal")]
    [InlineData("StateDirectory=node-agent")]
    [InlineData("Restart=on-failure")]
    [InlineData("NoNewPrivileges=yes")]
    [InlineData("ProtectSystem=strict")]
    [InlineData("ProtectHome=yes")]
    [InlineData("PrivateTmp=yes")]
    [InlineData("ProtectKernelTunables=yes")]
    [InlineData("ProtectControlGroups=yes")]
    [InlineData("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX")]
    [InlineData("ReadOnlyPaths=/proc /sys /var/log")]
    [InlineData("CapabilityBoundingSet=")]
    [InlineData("LockPersonality=yes")]
    [InlineData("MemoryDenyWriteExecute=yes")]
    public void Unit_has_line(string line) => Assert.Contains(line, UnitLines);

    [Fact]
    public void Restart_has_a_delay() => Assert.Contains(UnitLines, l => l.StartsWith("RestartSec=", StringComparison.Ordinal));

    /// <summary>StateDirectory must be the default Logs:StatePath, or checkpoints land where the unit forbids writing.</summary>
    [Fact]
    public void State_directory_is_the_default_state_path()
    {
        var source = File.ReadAllText(Repository.File("src", "NodeAgent", "Hosting", "ConfigSchema.cs"));
        Assert.Contains("new(\"Logs:StatePath\", ConfigKind.Path, \"/var/lib/node-agent\"", source, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) Verify(string unitText)
    {
        using var dir = new TempDirectory();
        var unit = dir.Write("node-agent.service", unitText);
        var info = new ProcessStartInfo(RequiredTool.Path("systemd-analyze"), ["verify", unit]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd() + stderr.Result;
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}
