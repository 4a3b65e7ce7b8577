using NodeAgent.Hosting;

namespace NodeAgent.Tests.Hosting;

public sealed class InvocationTests
{
    [Fact]
    public void Run_is_the_default_verb_and_keys_pass_through()
    {
        var i = Invocation.Parse(["--Logs:Enabled=false", "--config", "/etc/x.json", "--Http:ListenAddress", "127.0.0.1:1"]);
        Assert.Equal(Verb.Run, i.Verb);
        Assert.Equal("/etc/x.json", i.ConfigFile);
        Assert.Equal(["--Logs:Enabled=false", "--Http:ListenAddress", "127.0.0.1:1"], i.KeyArguments);
    }

    [Fact]
    public void Check_config_and_version_are_recognised()
    {
        Assert.Equal(Verb.CheckConfig, Invocation.Parse(["check-config", "--config=/a.json"]).Verb);
        Assert.Equal("/a.json", Invocation.Parse(["check-config", "--config=/a.json"]).ConfigFile);
        Assert.Equal(Verb.Version, Invocation.Parse(["--version"]).Verb);
        Assert.Equal(Verb.Help, Invocation.Parse(["--help"]).Verb);
        Assert.Equal(Verb.Run, Invocation.Parse(["run"]).Verb);
    }

    [Fact]
    public void A_verb_after_options_is_not_taken_as_a_verb()
    {
        var i = Invocation.Parse(["--Logs:Enabled=false", "check-config"]);
        Assert.Equal(Verb.Run, i.Verb);
        Assert.Contains("check-config", i.KeyArguments);
    }
}
