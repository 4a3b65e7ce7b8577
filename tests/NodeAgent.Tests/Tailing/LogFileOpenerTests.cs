using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

public sealed class LogFileOpenerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Roots_are_resolved_once_at_start_so_a_root_that_is_a_link_is_compared_by_where_it_leads()
    {
        var real = Directory.CreateDirectory(Path.Combine(_dir.Path, "real/pods")).FullName;
        var link = Path.Combine(_dir.Path, "pods");
        Directory.CreateSymbolicLink(link, real);
        File.WriteAllText(Path.Combine(real, "0.log"), "x");

        var opener = new LogFileOpener([link, Path.Combine(_dir.Path, "missing/../also-missing")], new TailStatistics(), NullLogger.Instance);

        Assert.Equal([real, Path.Combine(_dir.Path, "also-missing")], opener.Roots);
        using var handle = opener.Open(Path.Combine(link, "0.log"));
        Assert.NotNull(handle);
    }

    [Fact]
    public async Task A_fifo_is_refused_without_waiting_for_a_writer()
    {
        var fifo = Path.Combine(_dir.Path, "0.log");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        var statistics = new TailStatistics();
        var opener = new LogFileOpener([_dir.Path], statistics, NullLogger.Instance);

        var open = Task.Run(() => opener.Open(fifo));

        Assert.Same(open, await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(5))));
        Assert.Null(await open);
        Assert.Equal(1, statistics.Refused[LogFileOpener.NotRegularFile]);
    }

    [Fact]
    public async Task A_path_swapped_between_an_allowed_file_and_a_link_outside_never_opens_the_outside_file()
    {
        // A tenant flips its 0.log between a real log and a link to a host file as fast as it can: a check of the
        // path followed by an open of the path would, now and then, open the host file.
        var logs = Directory.CreateDirectory(Path.Combine(_dir.Path, "pods/shop_web_1/app")).FullName;
        var good = _dir.Write("pods/shop_web_1/app/real.log", "GOOD");
        var secret = _dir.Write("host/etc/shadow", "SECRET");
        var path = Path.Combine(logs, "0.log");
        var toGood = Path.Combine(logs, "to-good");
        var toSecret = Path.Combine(logs, "to-secret");
        var statistics = new TailStatistics();
        var opener = new LogFileOpener([Path.Combine(_dir.Path, "pods")], statistics, NullLogger.Instance);
        File.CreateSymbolicLink(path, good);
        using var stop = new CancellationTokenSource();
        var swapper = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                File.CreateSymbolicLink(toSecret, secret);
                File.Move(toSecret, path, overwrite: true);
                File.CreateSymbolicLink(toGood, good);
                File.Move(toGood, path, overwrite: true);
            }
        });

        int read = 0, refused = 0;
        var buffer = new byte[16];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < deadline)
        {
            OpenAndRead(opener, path, buffer, ref read, ref refused);
        }

        await stop.CancelAsync();
        await swapper;

        Assert.True(read > 0 && refused > 0, $"the race was not exercised: {read} opened, {refused} refused");
        Assert.True(statistics.Refused[LogFileOpener.OutsideAllowedRoots] > 0);
    }

    private static void OpenAndRead(LogFileOpener opener, string path, byte[] buffer, ref int read, ref int refused)
    {
        // rename(2) replaces the link atomically: the path always leads somewhere.
        using var handle = opener.Open(path);
        if (handle is null)
        {
            refused++;
            opener.ForgetUnlisted([]);
            return;
        }

        var length = RandomAccess.Read(handle, buffer, 0);
        Assert.Equal("GOOD", Encoding.ASCII.GetString(buffer, 0, length));
        read++;
    }
}
