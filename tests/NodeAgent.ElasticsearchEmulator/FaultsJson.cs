using System.Text.Json;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>The JSON form of <see cref="FaultSettings"/> on the control surface, snake_case like Elasticsearch's own
/// APIs. A POST changes only the fields it names; an unknown field is an error, so a typo cannot silently do nothing.</summary>
internal static class FaultsJson
{
    public static FaultSettings Merge(FaultSettings current, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("faults must be a JSON object");
        }

        foreach (var property in json.EnumerateObject())
        {
            var value = property.Value;
            current = property.Name switch
            {
                "item_rejection_ratio" => current with { ItemRejectionRatio = Ratio(value) },
                "request_rejection_ratio" => current with { RequestRejectionRatio = Ratio(value) },
                "request_unavailable_ratio" => current with { RequestUnavailableRatio = Ratio(value) },
                "drop_ratio" => current with { DropRatio = Ratio(value) },
                "drop_after_storing_ratio" => current with { DropAfterStoringRatio = Ratio(value) },
                "latency_ms" => current with { Latency = TimeSpan.FromMilliseconds(value.GetDouble()) },
                "answer_delay_ms" => current with { AnswerDelay = TimeSpan.FromMilliseconds(value.GetDouble()) },
                "retry_after_seconds" => current with
                {
                    RetryAfter = value.ValueKind == JsonValueKind.Null ? null : TimeSpan.FromSeconds(value.GetDouble()),
                },
                "outage" => current with
                {
                    Outage = value.GetString() switch
                    {
                        "none" => OutageMode.None,
                        "unavailable" => OutageMode.Unavailable,
                        "reset_connections" => OutageMode.ResetConnections,
                        "string_statuses" => OutageMode.StringStatuses,
                        "stall_body" => OutageMode.StallBody,
                        var other => throw new FormatException($"outage [{other}]: expected none, unavailable, reset_connections, string_statuses or stall_body"),
                    },
                },
                "mapping_error" => current with
                {
                    MappingError = value.ValueKind == JsonValueKind.Null ? null
                        : MappingErrorRule.WhenFieldContains(value.GetProperty("field").GetString()!, value.GetProperty("contains").GetString()!),
                },
                "max_content_length" => current with { MaxContentLength = value.ValueKind == JsonValueKind.Null ? null : value.GetInt64() },
                var other => throw new FormatException($"unknown fault [{other}]"),
            };
        }

        return current;
    }

    public static void Write(Utf8JsonWriter w, FaultSettings faults)
    {
        w.WriteStartObject();
        w.WriteNumber("item_rejection_ratio", faults.ItemRejectionRatio);
        w.WriteNumber("request_rejection_ratio", faults.RequestRejectionRatio);
        w.WriteNumber("request_unavailable_ratio", faults.RequestUnavailableRatio);
        w.WriteNumber("drop_ratio", faults.DropRatio);
        w.WriteNumber("drop_after_storing_ratio", faults.DropAfterStoringRatio);
        w.WriteNumber("latency_ms", faults.Latency.TotalMilliseconds);
        w.WriteNumber("answer_delay_ms", faults.AnswerDelay.TotalMilliseconds);
        if (faults.MaxContentLength is { } max)
        {
            w.WriteNumber("max_content_length", max);
        }

        if (faults.RetryAfter is { } retryAfter)
        {
            w.WriteNumber("retry_after_seconds", retryAfter.TotalSeconds);
        }
        else
        {
            w.WriteNull("retry_after_seconds");
        }

        w.WriteString("outage", faults.Outage switch
        {
            OutageMode.Unavailable => "unavailable",
            OutageMode.ResetConnections => "reset_connections",
            OutageMode.StringStatuses => "string_statuses",
            OutageMode.StallBody => "stall_body",
            _ => "none",
        });
        if (faults.MappingError is { } rule)
        {
            w.WriteStartObject("mapping_error");
            w.WriteString("field", rule.Field);
            // A rule given as a C# predicate has no JSON form: only its field is shown.
            if (rule.Contains is not null)
            {
                w.WriteString("contains", rule.Contains);
            }

            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("mapping_error");
        }

        w.WriteEndObject();
    }

    private static double Ratio(JsonElement value)
    {
        var ratio = value.GetDouble();
        return ratio is >= 0 and <= 1 ? ratio : throw new FormatException($"ratio {ratio} is outside [0, 1]");
    }
}
