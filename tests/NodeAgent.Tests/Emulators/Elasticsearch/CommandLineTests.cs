using NodeAgent.ElasticsearchEmulation;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

public sealed class CommandLineTests
{
    [Fact]
    public void The_process_arguments_become_options()
    {
        var (options, error) = CommandLine.Parse(["--port", "9200", "--count-only", "--user", "elastic:pa:ss", "--api-key", "id:key", "--forbidden-user", "viewer", "--seed", "5"]);

        Assert.Null(error);
        Assert.Equal(9200, options!.Port);
        Assert.True(options.CountOnly);
        Assert.Equal("pa:ss", options.Users["elastic"]);
        Assert.Equal("key", options.ApiKeys["id"]);
        Assert.Contains("viewer", options.ForbiddenUsers);
        Assert.Equal(5, options.Seed);
    }

    [Theory]
    [InlineData("--port", "http")]
    [InlineData("--user", "no-colon")]
    [InlineData("--verbose", "1")]
    public void A_bad_argument_is_named(string name, string value)
    {
        var (options, error) = CommandLine.Parse([name, value]);

        Assert.Null(options);
        Assert.StartsWith(name, error);
    }
}
