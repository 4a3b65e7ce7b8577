using System.Text;
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
}
