using NodeAgent.Tailing.Journald;

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>Journal:Units narrows the entries as <c>journalctl -u</c> does; with the console output the agent's own
/// entries are left out.</summary>
public sealed class JournalEntryFilterTests
{
    [Fact]
    public void Without_units_every_entry_passes()
    {
        var filter = new JournalEntryFilter([]);

        Assert.True(filter.PassesAll);
        Assert.True(filter.Wants(JournalEntries.Entry(1, ("MESSAGE", "kernel line"), ("_TRANSPORT", "kernel"))));
        Assert.True(filter.Wants(JournalEntries.Entry(2, ("_SYSTEMD_UNIT", "cron.service"))));
    }

    [Theory]
    [InlineData("kubelet.service", true)]
    [InlineData("containerd.service", true)]
    [InlineData("kubelet.socket", false)]
    [InlineData("kubelet.service.d", false)]
    [InlineData("Kubelet.service", false)]
    [InlineData("cron.service", false)]
    public void A_unit_matches_exactly_and_a_name_without_a_dot_means_its_service(string unit, bool wanted)
    {
        var filter = new JournalEntryFilter(["kubelet", "containerd.service"]);

        Assert.False(filter.PassesAll);
        Assert.Equal(wanted, filter.Wants(JournalEntries.Entry(1, ("MESSAGE", "m"), ("_SYSTEMD_UNIT", unit))));
    }

    [Fact]
    public void A_name_with_a_dot_is_taken_as_it_is()
    {
        var filter = new JournalEntryFilter(["session-3.scope"]);

        Assert.True(filter.Wants(JournalEntries.Entry(1, ("_SYSTEMD_UNIT", "session-3.scope"))));
        Assert.False(filter.Wants(JournalEntries.Entry(2, ("_SYSTEMD_UNIT", "session-3.scope.service"))));
    }

    [Fact]
    public void Entries_without_a_unit_are_left_out_when_units_are_named()
    {
        var filter = new JournalEntryFilter(["kubelet"]);

        Assert.False(filter.Wants(JournalEntries.Entry(1, ("MESSAGE", "eth0: link up"), ("_TRANSPORT", "kernel"))));
    }

    [Fact]
    public void What_systemd_and_root_daemons_say_about_the_unit_is_the_units_as_journalctl_u_shows_it()
    {
        var filter = new JournalEntryFilter(["kubelet"]);

        // systemd (PID 1) about the unit: "Started kubelet.service", "kubelet.service: Main process exited".
        Assert.True(filter.Wants(JournalEntries.Entry(1, ("MESSAGE", "Started kubelet.service."), ("_PID", "1"), ("_SYSTEMD_UNIT", "init.scope"), ("UNIT", "kubelet.service"))));
        // Another process naming UNIT is not trusted.
        Assert.False(filter.Wants(JournalEntries.Entry(2, ("_PID", "4242"), ("_SYSTEMD_UNIT", "evil.service"), ("UNIT", "kubelet.service"))));
        // Root daemons about the unit (systemd-coredump, logind).
        Assert.True(filter.Wants(JournalEntries.Entry(3, ("_UID", "0"), ("COREDUMP_UNIT", "kubelet.service"))));
        Assert.True(filter.Wants(JournalEntries.Entry(4, ("_UID", "0"), ("OBJECT_SYSTEMD_UNIT", "kubelet.service"))));
        Assert.False(filter.Wants(JournalEntries.Entry(5, ("_UID", "1000"), ("OBJECT_SYSTEMD_UNIT", "kubelet.service"))));
    }

    [Fact]
    public void The_agents_own_entries_are_left_out_by_its_systemd_invocation_when_asked()
    {
        var filter = new JournalEntryFilter([], "6f0d1c2e9a8b4c7d8e9f0a1b2c3d4e5f");

        Assert.False(filter.PassesAll);
        Assert.False(filter.Wants(JournalEntries.Entry(200, ("MESSAGE", "{\"@timestamp\":...}"), ("_PID", "4321"), ("_SYSTEMD_INVOCATION_ID", "6f0d1c2e9a8b4c7d8e9f0a1b2c3d4e5f"))));
        // Another run of the unit, or another unit.
        Assert.True(filter.Wants(JournalEntries.Entry(201, ("MESSAGE", "older"), ("_SYSTEMD_INVOCATION_ID", "00000000000000000000000000000001"))));
        // Not by PID: in a pod the agent is often PID 1 of its namespace, and the host's PID 1 is systemd.
        Assert.True(filter.Wants(JournalEntries.Entry(202, ("MESSAGE", "Started kubelet.service."), ("_PID", "1"))));
        Assert.True(new JournalEntryFilter([], null).Wants(JournalEntries.Entry(203, ("_SYSTEMD_INVOCATION_ID", "6f0d1c2e9a8b4c7d8e9f0a1b2c3d4e5f"))));
        Assert.True(new JournalEntryFilter([], "").PassesAll);
    }
}
