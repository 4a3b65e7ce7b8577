using NodeAgent.Tailing.Journald;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>The journal directories are listed again only when one of them changed (journald added, renamed or
/// deleted a file), when the last listing could not be trusted, or to renew it.</summary>
public sealed class JournalDirectoryStampsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A journal root with a machine-id directory holding a file, all last changed a minute ago.</summary>
    private (string Root, string Machine) Settled()
    {
        var root = Path.Combine(_dir.Path, "journal");
        var machine = Path.Combine(root, "0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(machine);
        File.WriteAllText(Path.Combine(machine, "system.journal"), "x");
        Age(machine);
        Age(root);
        return (root, machine);
    }

    private static void Age(string directory) => Directory.SetLastWriteTimeUtc(directory, DateTime.UtcNow.AddMinutes(-1));

    [Fact]
    public void Unchanged_settled_directories_are_not_listed_again_until_the_listing_is_renewed()
    {
        var (root, _) = Settled();
        var stamps = new JournalDirectoryStamps();
        Assert.True(stamps.MustList([root]));
        stamps.Listing([root]);

        for (var i = 0; i < JournalDirectoryStamps.RenewEvery; i++)
        {
            Assert.False(stamps.MustList([root]));
        }

        Assert.True(stamps.MustList([root]));
    }

    [Fact]
    public void A_file_added_renamed_or_deleted_in_a_machine_directory_means_a_listing()
    {
        var (root, machine) = Settled();
        var stamps = new JournalDirectoryStamps();
        stamps.Listing([root]);
        Assert.False(stamps.MustList([root]));

        File.Move(Path.Combine(machine, "system.journal"), Path.Combine(machine, "system@1.journal"));
        Assert.True(stamps.MustList([root]));

        Age(machine);
        stamps.Listing([root]);
        Assert.False(stamps.MustList([root]));
        File.Delete(Path.Combine(machine, "system@1.journal"));
        Assert.True(stamps.MustList([root]));
    }

    [Fact]
    public void A_new_machine_directory_or_a_root_that_appears_means_a_listing()
    {
        var (root, _) = Settled();
        var volatileRoot = Path.Combine(_dir.Path, "run-journal");
        var stamps = new JournalDirectoryStamps();
        stamps.Listing([root, volatileRoot]);
        Assert.False(stamps.MustList([root, volatileRoot]));

        Directory.CreateDirectory(volatileRoot);
        Assert.True(stamps.MustList([root, volatileRoot]));
    }

    [Fact]
    public void A_listing_taken_while_a_directory_had_just_changed_is_not_trusted()
    {
        var (root, machine) = Settled();
        File.WriteAllText(Path.Combine(machine, "user-1000.journal"), "x");
        var stamps = new JournalDirectoryStamps();
        stamps.Listing([root]);

        // The change may have come in the same tick as the listing: list again until the directory has settled.
        Assert.True(stamps.MustList([root]));
    }
}
