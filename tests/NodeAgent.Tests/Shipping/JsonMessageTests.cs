using System.Text;
using System.Text.Json;
using NodeAgent.Shipping;

namespace NodeAgent.Tests.Shipping;

/// <summary>Which messages go into <c>json.*</c>: exactly one object Elasticsearch will index, nothing else.</summary>
public sealed class JsonMessageTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{\"level\":\"info\",\"msg\":\"started\",\"port\":8080}")]
    [InlineData("  {\"a\":{\"b\":[1,2,{\"c\":null}]}}\r")]
    [InlineData("{\"log.level\":\"info\",\"a b\":1}")]
    [InlineData("{\"a\":{\"x\":1},\"b\":{\"x\":2}}")]
    [InlineData("{\"caf\\u00e9\":\"é 日本\"}")]
    public void One_object_is_parsed(string message) => Assert.True(JsonMessage.IsObject(Encoding.UTF8.GetBytes(message)));

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("[1,2]")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("{\"a\":1")]
    [InlineData("{'a':1}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"tab\":\"raw\tcontrol\"}")]
    [InlineData("{\"a\":1,\n\"b\":2}")]
    [InlineData("{\"a\":1}\n")]
    public void Anything_else_is_not(string message) => Assert.False(JsonMessage.IsObject(Encoding.UTF8.GetBytes(message)));

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"outer\":{\"k\":1,\"k\":1}}")]
    public void A_key_twice_in_one_object_is_not_parsed_since_Elasticsearch_refuses_the_document(string message) =>
        Assert.False(JsonMessage.IsObject(Encoding.UTF8.GetBytes(message)));

    [Theory]
    [InlineData("{\"\":1}")]
    [InlineData("{\"  \":1}")]
    [InlineData("{\".a\":1}")]
    [InlineData("{\"a.\":1}")]
    [InlineData("{\"a..b\":1}")]
    [InlineData("{\"ok\":{\"\":1}}")]
    public void Field_names_Elasticsearch_refuses_are_not_parsed(string message) =>
        Assert.False(JsonMessage.IsObject(Encoding.UTF8.GetBytes(message)));

    [Fact]
    public void Nesting_stops_within_the_default_mapping_depth_limit()
    {
        static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);

        Assert.True(JsonMessage.IsObject(Encoding.UTF8.GetBytes(Nested(19))));
        Assert.False(JsonMessage.IsObject(Encoding.UTF8.GetBytes(Nested(20))));
    }

    [Theory]
    [InlineData("{\"a\":[{\"x\":1},{\"x\":2}]}")]
    [InlineData("{\"a\":{\"k\":1},\"k\":2}")]
    [InlineData("{\"k\":{\"k\":{\"k\":1}},\"a\":{\"k\":{\"k\":2}}}")]
    public void The_same_key_in_different_objects_is_fine(string message) => Assert.True(JsonMessage.IsObject(Encoding.UTF8.GetBytes(message)));

    [Theory]
    [InlineData("{\"k\":1,\"a\":{\"k\":1},\"k\":2}")]
    [InlineData("{\"a\":[{\"x\":1,\"y\":{\"x\":1},\"x\":2}]}")]
    [InlineData("{\"a\":{\"b\":{},\"c\":{},\"b\":1}}")]
    public void A_key_twice_in_one_object_is_found_across_nested_objects(string message) =>
        Assert.False(JsonMessage.IsObject(Encoding.UTF8.GetBytes(message)));

    [Fact]
    public void The_work_grows_linearly_with_the_number_of_keys()
    {
        // Comparing every pair of names made 8 times the keys cost 64 times the time (60,000 keys: 3.9 s). The bound
        // is three times the linear ratio, so a loaded machine does not fail it and a quadratic check cannot pass it.
        // No field cap here, so that every name goes through the duplicate check. Sizes whose names' table stays in
        // a core's cache: with 80,000 names the table's cache misses alone make the ratio vary from 8 to 30.
        var small = EcsDocumentWriterMessageTests.JsonObject(1_000);
        var large = EcsDocumentWriterMessageTests.JsonObject(8_000);
        Assert.True(JsonMessage.IsObject(small, int.MaxValue));
        Assert.True(JsonMessage.IsObject(large, int.MaxValue));
        // The fastest of several interleaved runs: the later ones run the JIT's optimized code, and a run slowed by
        // other work on the machine is not the fastest.
        double fastestSmall = double.MaxValue, fastestLarge = double.MaxValue;
        for (var run = 0; run < 7; run++)
        {
            fastestSmall = Math.Min(fastestSmall, Time(small));
            fastestLarge = Math.Min(fastestLarge, Time(large));
        }

        var ratio = fastestLarge / fastestSmall;
        Assert.True(ratio < 3 * 8, $"8,000 keys took {ratio:F1} times as long as 1,000 ({fastestLarge:F2} ms, {fastestSmall:F2} ms)");
    }

    private static double Time(byte[] message)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        JsonMessage.IsObject(message, int.MaxValue);
        return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    [Fact]
    public void A_key_twice_among_many_is_found()
    {
        var keys = Encoding.UTF8.GetString(EcsDocumentWriterMessageTests.JsonObject(50_000));
        Assert.False(JsonMessage.IsObject(Encoding.UTF8.GetBytes(keys[..^1] + ",\"k123\":2}"), int.MaxValue));
        Assert.False(JsonMessage.IsObject(Encoding.UTF8.GetBytes(keys[..^1] + ",\"k49999\":2}"), int.MaxValue));
        Assert.True(JsonMessage.IsObject(Encoding.UTF8.GetBytes(keys[..^1] + ",\"k50000\":2}"), int.MaxValue));
    }

    [Theory]
    [InlineData("{}", 0, "Object")]
    [InlineData("{\"a\":1}", 0, "TooManyFields")]
    [InlineData("{\"a\":1,\"b\":2}", 2, "Object")]
    [InlineData("{\"a\":1,\"b\":2,\"c\":3}", 2, "TooManyFields")]
    [InlineData("{\"a\":{\"b\":1}}", 2, "Object")] // a name at every depth counts
    [InlineData("{\"a\":{\"b\":1}}", 1, "TooManyFields")]
    [InlineData("{\"a\":[{\"b\":1},{\"b\":2}]}", 3, "Object")] // each time it occurs
    [InlineData("{\"a\":[{\"b\":1},{\"b\":2}]}", 2, "TooManyFields")]
    [InlineData("{\"a\":1,\"a\":2,\"b\":3}", 2, "NotObject")] // the duplicate comes first
    [InlineData("{\"a\":1,\"b\":2,\"a\":3}", 2, "TooManyFields")] // the cap comes first
    [InlineData("{\"a\":1,\"b\":2,\"\":3}", 2, "TooManyFields")]
    [InlineData("{\"a\":1,\"b\":2,\"c\":3", 2, "NotObject")] // not an object after all
    [InlineData("{\"a\":1,\"b\":2,\"c\":3} x", 2, "NotObject")]
    [InlineData("{\"a\":1,\"b\":2,\"c\":3,\n\"d\":4}", 2, "NotObject")]
    [InlineData("[{\"a\":1,\"b\":2,\"c\":3}]", 2, "NotObject")]
    public void Property_names_past_the_cap_make_a_well_formed_object_too_many_fields(string message, int maxFields, string expected) =>
        Assert.Equal(Enum.Parse<JsonMessageKind>(expected), JsonMessage.Classify(Encoding.UTF8.GetBytes(message), maxFields));

    [Fact]
    public void An_object_too_deep_past_the_cap_is_not_an_object()
    {
        var deep = "{\"x\":1,\"y\":2," + string.Concat(Enumerable.Repeat("\"a\":{", 19)) + new string('}', 19) + "}";
        Assert.Equal(JsonMessageKind.NotObject, JsonMessage.Classify(Encoding.UTF8.GetBytes(deep), 1));
    }

    [Fact]
    public void The_default_cap_is_Elasticsearchs_default_field_limit()
    {
        Assert.Equal(JsonMessageKind.Object, JsonMessage.Classify(EcsDocumentWriterMessageTests.JsonObject(1000)));
        Assert.Equal(JsonMessageKind.TooManyFields, JsonMessage.Classify(EcsDocumentWriterMessageTests.JsonObject(1001)));
    }

    [Fact]
    public void The_steady_state_allocates_nothing()
    {
        // Many names (the set grows once, then is reused) and nested objects.
        byte[] many = EcsDocumentWriterMessageTests.JsonObject(900);
        var nested = "{\"level\":\"info\",\"http\":{\"status\":200,\"headers\":{\"a\":1,\"b\":[{\"c\":1},{\"c\":2}]}},\"msg\":\"done\"}"u8.ToArray();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(JsonMessage.IsObject(many));
            Assert.True(JsonMessage.IsObject(nested));
        }

        const int Messages = 1000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Messages; i++)
        {
            JsonMessage.IsObject(many);
            JsonMessage.IsObject(nested);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < Messages / 10, $"{allocated} bytes allocated for {2 * Messages} messages");
    }

    [Fact]
    public void Duplicates_are_found_as_a_reference_finds_them_in_random_objects()
    {
        // Objects of 0 to 20 names, nested, so that objects are checked both name by name and through the hash table,
        // and closed objects' names must not leak into their parent's: the names are drawn from one small set, and
        // now and then one is repeated on purpose.
        var random = new Random(20261128);
        string[] pool = [.. Enumerable.Range(0, 24).Select(i => ((char)('a' + i)).ToString()), "ab", "ba", "abc", "abcdefghijklmnopq"];
        var duplicates = 0;
        for (var round = 0; round < 2000; round++)
        {
            var text = new StringBuilder();
            Write(text, 0);
            using var document = JsonDocument.Parse(text.ToString());
            var expected = !HasDuplicate(document.RootElement);
            duplicates += expected ? 0 : 1;
            Assert.True(expected == JsonMessage.IsObject(Encoding.UTF8.GetBytes(text.ToString()), int.MaxValue), text.ToString());
        }

        Assert.InRange(duplicates, 100, 1900);

        void Write(StringBuilder text, int depth)
        {
            text.Append('{');
            var count = random.Next(depth == 0 ? 1 : 0, 21);
            var used = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                // Mostly fresh names, sometimes one already used in this object.
                var repeat = used.Count > 0 && random.Next(150) == 0;
                var name = repeat ? used.ElementAt(random.Next(used.Count)) : pool.Where(n => !used.Contains(n)).ElementAt(random.Next(pool.Length - used.Count));
                used.Add(name);
                text.Append(i == 0 ? "\"" : ",\"").Append(name).Append("\":");
                switch (random.Next(depth < 3 ? 4 : 2))
                {
                    case 0: text.Append(i); break;
                    case 1: text.Append("\"v\""); break;
                    case 2: Write(text, depth + 1); break;
                    default:
                        text.Append('[');
                        Write(text, depth + 1);
                        text.Append(',');
                        Write(text, depth + 1);
                        text.Append(']');
                        break;
                }
            }

            text.Append('}');
        }

        static bool HasDuplicate(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).Any(g => g.Count() > 1)
                || element.EnumerateObject().Any(p => HasDuplicate(p.Value)),
            JsonValueKind.Array => element.EnumerateArray().Any(HasDuplicate),
            _ => false,
        };
    }
}
