using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace NodeAgent.Hosting.Web;

/// <summary>What a <c>basic_auth_users</c> value must be: a bcrypt hash as htpasswd, Go's x/crypto/bcrypt or
/// BCrypt.Net write it.</summary>
internal static class BcryptHash
{
    /// <summary>Why <paramref name="hash"/> is not a usable bcrypt hash, or null. Never quotes the hash (a secret).</summary>
    public static string? Problem(string hash)
    {
        const string Expected = "expected a bcrypt hash: $2y$, a cost of 04 to 31, $ and 53 characters, as `htpasswd -nBC 10 \"\" | tr -d ':\\n'` prints";
        if (hash.Length != 60 || hash[0] != '$' || hash[1] != '2' || hash[2] is not ('a' or 'b' or 'x' or 'y') || hash[3] != '$' || hash[6] != '$')
        {
            return $"is not a bcrypt hash ({Expected})";
        }

        if (!char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]) || (hash[4] - '0') * 10 + (hash[5] - '0') is < 4 or > 31)
        {
            return $"has no bcrypt cost between 04 and 31 ({Expected})";
        }

        return hash.AsSpan(7).ContainsAnyExcept(SaltAlphabet) ? $"is not a bcrypt hash: a character outside bcrypt's alphabet ({Expected})" : null;
    }

    private static readonly SearchValues<char> SaltAlphabet = SearchValues.Create("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

/// <summary>
/// HTTP basic authentication against bcrypt hashes, as exporter-toolkit does it (web/handler.go): an unknown user is
/// checked against a real hash all the same, so the time taken does not tell which users exist; one bcrypt runs at a
/// time, so a burst of guesses takes one core, not all. A password that verified is remembered (a keyed digest of
/// user, hash and password, never the password), so a scrape every 15 s costs a dictionary look-up, not a bcrypt
/// (~70 ms at cost 10). Unlike exporter-toolkit, which remembers failures too, a wrong password is never remembered:
/// each attempt costs a full bcrypt, however often it is repeated.
/// </summary>
internal sealed class BasicAuthenticator
{
    /// <summary>Most remembered successes; a full cache is emptied (they are one per user and password in use).</summary>
    private const int CacheSize = 100;

    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly string _decoy;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<Digest, byte> _verified = new();
    /// <summary>One bcrypt at a time in the whole process, across reloads of the file too (exporter-toolkit's
    /// bcryptMtx): waited for asynchronously, so queued guesses hold no thread.</summary>
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    private long _comparisons;

    public BasicAuthenticator(IReadOnlyDictionary<string, string> users)
    {
        _users = users;
        // The slowest hash of the file: an unknown user costs what the costliest known one does.
        _decoy = users.Values.MaxBy(h => h.AsSpan(4, 2).ToString(), StringComparer.Ordinal) ?? throw new ArgumentException("no users", nameof(users));
    }

    public IReadOnlyDictionary<string, string> Users => _users;

    /// <summary>How many bcrypt comparisons ran: what a request costs is seen here, not guessed from timings.</summary>
    public long Comparisons => Interlocked.Read(ref _comparisons);

    /// <summary>Whether an <c>Authorization</c> header value names a user of the file with their password.</summary>
    public async ValueTask<bool> IsAuthorizedAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (!TryDecode(authorization, out var user, out var password))
        {
            return false;
        }

        var known = _users.TryGetValue(user, out var hash);
        hash ??= _decoy;
        var digest = DigestOf(user, hash, password);
        if (known && _verified.ContainsKey(digest))
        {
            return true;
        }

        bool matches;
        await OneAtATime.WaitAsync(cancellationToken);
        try
        {
            Interlocked.Increment(ref _comparisons);
            matches = Verify(password, hash);
        }
        finally
        {
            OneAtATime.Release();
        }

        if (!known || !matches)
        {
            return false;
        }

        if (_verified.Count >= CacheSize)
        {
            _verified.Clear();
        }

        _verified.TryAdd(digest, 0);
        return true;
    }

    private static bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>Go's <c>Request.BasicAuth</c>: the scheme's name in any case, standard base64, the user up to the
    /// first colon.</summary>
    internal static bool TryDecode(string? authorization, out string user, out string password)
    {
        (user, password) = ("", "");
        const string Scheme = "Basic ";
        if (authorization is null || authorization.Length <= Scheme.Length || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = authorization.AsSpan(Scheme.Length);
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        (user, password) = (text[..colon], text[(colon + 1)..]);
        return true;
    }

    private Digest DigestOf(string user, string hash, string password)
    {
        var input = Encoding.UTF8.GetBytes($"{user}\0{hash}\0{password}");
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_cacheKey, input, mac);
        CryptographicOperations.ZeroMemory(input);
        return MemoryMarshal.Read<Digest>(mac);
    }

    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D);
}
