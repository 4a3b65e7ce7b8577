namespace NodeAgent.Hosting;

/// <summary>URLs and the credentials a user may write into them (<c>https://user:password@host</c>).</summary>
internal sealed partial class AgentOptionsReader
{
    /// <summary>
    /// A URL is shown in check-config, in log lines, on /readyz and on the index page, and a URL's user info is the
    /// password in clear. Rather than redact it in each of those places (and in any added later), a URL with user info
    /// is refused: the credentials have keys of their own, and only those keys are treated as secrets.
    /// </summary>
    private void RefuseUserInfo(string key, string url, Uri uri)
    {
        if (uri.UserInfo.Length > 0)
        {
            Error(key, $"'{WithoutUserInfo(url)}' holds credentials (user info before '@'), which would be printed wherever the URL is: "
                + "remove them from the URL and set Elasticsearch:Username with Elasticsearch:Password or Elasticsearch:PasswordFile "
                + "(or Elasticsearch:ApiKey / Elasticsearch:ApiKeyFile)");
        }
    }

    /// <summary><paramref name="url"/> with anything between the scheme and the last '@' of its authority replaced by
    /// <see cref="EffectiveConfig.Redacted"/>, so an error message can quote a URL, even one that does not parse,
    /// without repeating a password in it.</summary>
    internal static string WithoutUserInfo(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var at = url.AsSpan(start, (end < 0 ? url.Length : end) - start).LastIndexOf('@');
        return at < 0 ? url : string.Concat(url.AsSpan(0, start), EffectiveConfig.Redacted, url.AsSpan(start + at));
    }
}
