using System.Text;
using System.Text.Json;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tests.TestSupport;

// Unix file modes: the agent runs on Linux only.
#pragma warning disable CA1416

namespace NodeAgent.Tests.Shipping.Elasticsearch;

public sealed class DeadLetterFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    [Fact]
    public void Each_refused_document_is_one_line_with_its_error()
    {
        var file = new DeadLetterFile(_dir.Path, TimeProvider.System);

        file.Write("""{"message":"poison","@timestamp":"2026-11-28T10:15:00Z"}"""u8, new BulkItemResult(400, "document_parsing_exception", "failed to parse field [level]"), "logs-x-default");

        var letter = JsonDocument.Parse(Assert.Single(File.ReadAllLines(file.FilePath))).RootElement;
        Assert.Equal(400, letter.GetProperty("status").GetInt32());
        Assert.Equal("document_parsing_exception", letter.GetProperty("error_type").GetString());
        Assert.Equal("logs-x-default", letter.GetProperty("target").GetString());
        Assert.Equal("poison", letter.GetProperty("document").GetProperty("message").GetString());
    }

    [Fact]
    public void The_file_and_a_new_state_directory_are_private_to_the_agent()
    {
        // Dead letters are whole log lines; the logs they come from are readable by root and the log group only.
        var state = Path.Combine(_dir.Path, "var", "lib", "node-agent");
        var file = new DeadLetterFile(state, TimeProvider.System);

        file.Write("""{"message":"secret"}"""u8, new BulkItemResult(400, "x", "y"), "t");

        Assert.Equal(Mode("700"), File.GetUnixFileMode(state));
        Assert.Equal(Mode("600"), File.GetUnixFileMode(file.FilePath));
    }

    [Fact]
    public void The_file_started_after_a_rotation_is_private_too()
    {
        var file = new DeadLetterFile(_dir.Path, TimeProvider.System);
        using (var full = new FileStream(file.FilePath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Mode("600") }))
        {
            full.SetLength(DeadLetterFile.MaxBytes);
        }

        file.Write("""{"message":"next"}"""u8, new BulkItemResult(400, "x", "y"), "t");

        Assert.Equal(Mode("600"), File.GetUnixFileMode(file.FilePath + ".1"));
        Assert.Equal(Mode("600"), File.GetUnixFileMode(file.FilePath));
    }

    [Fact]
    public void A_full_file_is_rotated_to_dot_1_and_the_older_one_dropped()
    {
        var file = new DeadLetterFile(_dir.Path, TimeProvider.System);
        Directory.CreateDirectory(_dir.Path);
        File.WriteAllText(file.FilePath + ".1", "oldest\n");
        using (var full = File.Create(file.FilePath))
        {
            full.SetLength(DeadLetterFile.MaxBytes);
        }

        file.Write(Encoding.UTF8.GetBytes("""{"message":"next"}"""), new BulkItemResult(400, "x", "y"), "t");

        Assert.Equal(DeadLetterFile.MaxBytes, new FileInfo(file.FilePath + ".1").Length);
        Assert.Contains("\"next\"", Assert.Single(File.ReadAllLines(file.FilePath)), StringComparison.Ordinal);
    }
}
