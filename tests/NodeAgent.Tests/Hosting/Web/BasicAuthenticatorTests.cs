using System.Diagnostics;
using System.Text;
using NodeAgent.Hosting.Web;

namespace NodeAgent.Tests.Hosting.Web;

/// <summary>Basic auth against bcrypt hashes: what each request costs, counted in bcrypt comparisons and timed.</summary>
public sealed class BasicAuthenticatorTests
{
    private static readonly Dictionary<string, string> Users = new(StringComparer.Ordinal) { ["prometheus"] = WebConfigParserTests.Hash };

    private static string Header(string user, string password, string scheme = "Basic") =>
        $"{scheme} {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))}";

    [Fact]
    public async Task A_right_password_is_checked_with_bcrypt_once_then_remembered()
    {
        var authenticator = new BasicAuthenticator(Users);

        for (var i = 0; i < 20; i++)
        {
            Assert.True(await authenticator.IsAuthorizedAsync(Header("prometheus", WebConfigParserTests.Password), default));
        }

        Assert.Equal(1, authenticator.Comparisons);
    }

    [Fact]
    public async Task A_wrong_password_costs_a_bcrypt_every_time_it_is_tried()
    {
        var authenticator = new BasicAuthenticator(Users);

        for (var i = 0; i < 3; i++)
        {
            Assert.False(await authenticator.IsAuthorizedAsync(Header("prometheus", "guess"), default));
        }

        Assert.Equal(3, authenticator.Comparisons);
    }

    [Fact]
    public async Task A_remembered_answer_takes_a_small_fraction_of_what_a_wrong_password_takes()
    {
        var authenticator = new BasicAuthenticator(Users);
        var right = Header("prometheus", WebConfigParserTests.Password);
        Assert.True(await authenticator.IsAuthorizedAsync(right, default));

        var cached = await MedianAsync(() => authenticator.IsAuthorizedAsync(right, default), expected: true);
        var wrong = await MedianAsync(() => authenticator.IsAuthorizedAsync(Header("prometheus", "guess"), default), expected: false);

        // bcrypt at cost 10 is tens of milliseconds; a remembered answer is an HMAC and a dictionary look-up.
        Assert.True(wrong >= TimeSpan.FromMilliseconds(10), $"a wrong password took {wrong.TotalMilliseconds:F2} ms: no bcrypt ran");
        Assert.True(cached * 50 < wrong, $"a remembered right password took {cached.TotalMilliseconds:F3} ms against {wrong.TotalMilliseconds:F1} ms for a wrong one");
    }

    [Fact]
    public async Task An_unknown_user_costs_a_bcrypt_like_a_known_one_and_is_refused_even_with_a_users_password()
    {
        var authenticator = new BasicAuthenticator(Users);

        Assert.False(await authenticator.IsAuthorizedAsync(Header("mallory", WebConfigParserTests.Password), default));
        Assert.False(await authenticator.IsAuthorizedAsync(Header("mallory", WebConfigParserTests.Password), default));

        Assert.Equal(2, authenticator.Comparisons);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic cHJvbWV0aGV1cw==")] // "prometheus": no colon
    public async Task A_missing_or_malformed_header_is_refused_without_a_bcrypt(string? header)
    {
        var authenticator = new BasicAuthenticator(Users);
        Assert.False(await authenticator.IsAuthorizedAsync(header, default));
        Assert.Equal(0, authenticator.Comparisons);
    }

    [Fact]
    public void The_header_is_read_as_gos_request_basic_auth_reads_it()
    {
        Assert.True(BasicAuthenticator.TryDecode(Header("prometheus", "a:b:c", scheme: "basic"), out var user, out var password));
        Assert.Equal(("prometheus", "a:b:c"), (user, password));
        Assert.True(BasicAuthenticator.TryDecode(Header("", ""), out user, out password));
        Assert.Equal(("", ""), (user, password));
    }

    private static async Task<TimeSpan> MedianAsync(Func<ValueTask<bool>> attempt, bool expected)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Assert.Equal(expected, await attempt());
            times.Add(Stopwatch.GetElapsedTime(start));
        }

        return times.Order().ElementAt(times.Count / 2);
    }
}
