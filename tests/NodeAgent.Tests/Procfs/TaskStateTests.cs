using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class TaskStateTests
{
    [Fact]
    public void State_and_threads_are_counted_from_the_last_parenthesis()
    {
        Assert.True(TaskState.TryParse("300 (a) b)) Z 1 300 300 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 7 0 9120 0 0\n"u8, out var task));

        Assert.Equal("Z", task.State);
        Assert.Equal(7, task.Threads);
    }

    [Theory]
    [InlineData("300 no parenthesis S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17")]
    [InlineData("300 (sh) S 1 300 300 0 -1 4227084 0 0 0 0 0 0 0 0 20 0")]
    [InlineData("300 (sh) S 1 300 300 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 many 0")]
    public void Short_or_malformed_lines_fail(string line) =>
        Assert.False(TaskState.TryParse(System.Text.Encoding.ASCII.GetBytes(line), out _));
}
