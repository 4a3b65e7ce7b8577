using NodeAgent.Hosting;

namespace NodeAgent.Tests.Hosting;

public sealed class ConfigValuesTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("1s", 1000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1500)]
    [InlineData("00:00:01", 1000)]
    [InlineData("00:02:00", 120_000)]
    [InlineData(" 2s ", 2000)]
    public void Durations_accept_human_units_and_dotnet_timespans(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ConfigValues.ParseDuration(text));

    [Theory]
    [InlineData("1x")]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("10")]
    [InlineData("-00:00:01")]
    public void Invalid_durations_are_rejected(string text) => Assert.Null(ConfigValues.ParseDuration(text));

    [Theory]
    [InlineData("1048576", 1_048_576)]
    [InlineData("512KiB", 524_288)]
    [InlineData("5MiB", 5_242_880)]
    [InlineData("1GiB", 1_073_741_824)]
    [InlineData("1.5KiB", 1536)]
    [InlineData("10KB", 10_000)]
    [InlineData("3 MiB", 3_145_728)]
    public void Sizes_accept_binary_and_decimal_units(string text, long bytes) =>
        Assert.Equal(bytes, ConfigValues.ParseSize(text));

    [Theory]
    [InlineData("5XB")]
    [InlineData("MiB")]
    [InlineData("1.3")]
    [InlineData("-1")]
    public void Invalid_sizes_are_rejected(string text) => Assert.Null(ConfigValues.ParseSize(text));

    [Theory]
    [InlineData("0.0.0.0:9100", "0.0.0.0:9100")]
    [InlineData("[::]:9100", "[::]:9100")]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("localhost:8080", "127.0.0.1:8080")]
    [InlineData(":9100", null)]
    [InlineData("0.0.0.0", null)]
    [InlineData("example.com:9100", null)]
    [InlineData("0.0.0.0:70000", null)]
    public void Listen_addresses_are_host_and_port(string text, string? expected) =>
        Assert.Equal(expected, ConfigValues.ParseListenAddress(text)?.ToString());

    [Theory]
    [InlineData(1000, "1s")]
    [InlineData(300_000, "5m")]
    [InlineData(7_200_000, "2h")]
    [InlineData(250, "250ms")]
    public void Durations_print_back_in_the_units_users_write(long milliseconds, string expected) =>
        Assert.Equal(expected, ConfigValues.FormatDuration(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(5_242_880, "5MiB")]
    [InlineData(1000, "1000")]
    [InlineData(2048, "2KiB")]
    public void Sizes_print_back_in_binary_units(long bytes, string expected) =>
        Assert.Equal(expected, ConfigValues.FormatSize(bytes));
}
