using System.Net;
using NodeAgent.Shipping.Elasticsearch;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

public sealed class ElasticsearchReadinessTests
{
    private static BulkExchange Info(HttpStatusCode? status, string? product, string? failure = null, string body = """{"version":{"number":"9.1.0"}}""") =>
        new(status, System.Text.Encoding.UTF8.GetBytes(body), null, failure, "https://es:9200", product);

    [Fact]
    public void Elasticsearch_that_answers_as_itself_is_a_cluster_to_deliver_to() =>
        Assert.Null(ElasticsearchReadiness.ConnectProblem(Info(HttpStatusCode.OK, "Elasticsearch"), "anonymous"));

    [Fact]
    public void A_server_without_the_product_header_is_named_as_not_elasticsearch()
    {
        // OpenSearch 2 and anything in front of a cluster that drops headers answer GET / without X-Elastic-Product.
        var problem = ElasticsearchReadiness.ConnectProblem(Info(HttpStatusCode.OK, null, body: """{"version":{"distribution":"opensearch","number":"2.17.0"}}"""), "anonymous");
        Assert.Equal("https://es:9200 answers but not as Elasticsearch 7.14 or later (no X-Elastic-Product: Elasticsearch header): check Elasticsearch:Urls", problem);
    }

    [Fact]
    public void Credentials_refused_and_no_answer_are_said_with_their_cause()
    {
        Assert.StartsWith("https://es:9200 rejected the credentials of user 'shipper' (401)",
            ElasticsearchReadiness.ConnectProblem(Info(HttpStatusCode.Unauthorized, "Elasticsearch", body: """{"error":{"reason":"unable to authenticate"}}"""), "user 'shipper'"), StringComparison.Ordinal);
        Assert.Equal("cannot reach https://es:9200: Connection refused", ElasticsearchReadiness.ConnectProblem(Info(null, null, "Connection refused"), "anonymous"));
        Assert.StartsWith("https://es:9200 answered GET / with 503", ElasticsearchReadiness.ConnectProblem(Info(HttpStatusCode.ServiceUnavailable, "Elasticsearch"), "anonymous"), StringComparison.Ordinal);
    }
}
