using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class DrbdStatusTests
{
    [Fact]
    public void Key_value_words_belong_to_the_device_line_before_them()
    {
        var fields = DrbdStatus.Parse(
            """
            version: 8.4.3 (api:1/proto:86-101)
            srcversion: 1A9F77B1CA5FF92235C2213
            
             1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----
                ns:17324442 nr:10961011
             12: cs:StandAlone
            """u8);

        Assert.Equal(
            [
                new DrbdField("drbd1", "cs", "Connected"), new DrbdField("drbd1", "ro", "Primary/Secondary"),
                new DrbdField("drbd1", "ds", "UpToDate/UpToDate"), new DrbdField("drbd1", "ns", "17324442"),
                new DrbdField("drbd1", "nr", "10961011"), new DrbdField("drbd12", "cs", "StandAlone"),
            ],
            fields.Where(f => f.Key != "version" && f.Key != "srcversion"));
        Assert.Equal(new DrbdField("unknown", "version", ""), fields[0]);
    }

    [Fact]
    public void Drbd_9_has_no_device_lines() =>
        Assert.DoesNotContain(DrbdStatus.Parse("version: 9.2.4 (api:2/proto:86-122)\nGIT-hash: abc build by x, 2023-05-01\nTransports (api:18): tcp (9.2.4)\n"u8),
            f => f.Device != "unknown");
}
