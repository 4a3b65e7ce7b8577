using System.Buffers;
using System.Text.Json;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>Applies one bulk item and writes its result object, in the order Elasticsearch's checks run: target name
/// and op_type (coordinating node), rejection (write pool / indexing pressure), document parsing, then the engine's
/// version check for <c>create</c>.</summary>
internal static class BulkItemProcessor
{
    private static readonly SearchValues<char> ForbiddenIndexCharacters = SearchValues.Create("\\/*?\"<>| ,#");

    public static ItemResult Apply(EmulatorState state, FaultSettings faults, BulkItem item, ReadOnlySpan<byte> source, Utf8JsonWriter w)
    {
        var operation = item.Action.Operation;
        var name = item.Target;
        var existing = state.Store.Find(name);
        if (existing is null && InvalidIndexName(name) is { } invalid)
        {
            Failure(w, operation, name, item.Action.Id, 400, "invalid_index_name_exception", invalid, x =>
            {
                x.WriteString("index_uuid", "_na_");
                x.WriteString("index", name);
            });
            return ItemResult.Other;
        }

        if (operation is BulkOperation.Update or BulkOperation.Delete)
        {
            Failure(w, operation, name, item.Action.Id, 400, "illegal_argument_exception",
                $"the Elasticsearch emulator does not implement [{Name(operation)}] actions");
            return ItemResult.Other;
        }

        var template = existing is null ? state.Templates.Match(name) : null;
        var dataStream = existing?.IsDataStream ?? template?.DataStream ?? false;
        if (dataStream && operation == BulkOperation.Index)
        {
            Failure(w, operation, name, item.Action.Id, 400, "illegal_argument_exception",
                "only write ops with an op_type of create are allowed in data streams");
            return ItemResult.Other;
        }

        var target = existing ?? state.Store.GetOrCreate(name, template);
        var id = item.Action.Id ?? state.Dice.NextId();
        if (state.Dice.Roll(faults.ItemRejectionRatio))
        {
            Failure(w, operation, target.WriteIndex, id, 429, "es_rejected_execution_exception",
                $"rejected execution of primary operation [shard_detail=[{target.WriteIndex}][0][P], shard_coordinating_and_primary_bytes=0, shard_operation_bytes={source.Length}, shard_max_coordinating_and_primary_bytes=107374182]");
            return ItemResult.Rejected;
        }

        if (ParseFailure(faults, target, id, source) is { } parse)
        {
            Failure(w, operation, target.WriteIndex, id, 400, "document_parsing_exception", parse.Reason, parse.Cause is null ? null : x =>
            {
                x.WriteStartObject("caused_by");
                x.WriteString("type", "illegal_argument_exception");
                x.WriteString("reason", parse.Cause);
                x.WriteEndObject();
            });
            return ItemResult.MappingError;
        }

        var outcome = operation == BulkOperation.Create ? target.Create(id, source) : target.Index(id, source);
        if (outcome.Result == ItemResult.Conflict)
        {
            Failure(w, operation, target.WriteIndex, id, 409, "version_conflict_engine_exception",
                $"[{id}]: version conflict, document already exists (current version [{outcome.Version}])", x =>
                {
                    x.WriteString("index_uuid", target.Uuid);
                    x.WriteString("shard", "0");
                    x.WriteString("index", target.WriteIndex);
                });
            return ItemResult.Conflict;
        }

        w.WriteStartObject();
        w.WriteStartObject(Name(operation));
        w.WriteString("_index", target.WriteIndex);
        w.WriteString("_id", id);
        w.WriteNumber("_version", outcome.Version);
        w.WriteString("result", outcome.Result == ItemResult.Created ? "created" : "updated");
        // One node: the replica of each shard is unassigned, so 2 copies exist on paper and 1 took the write.
        w.WriteStartObject("_shards");
        w.WriteNumber("total", 2);
        w.WriteNumber("successful", 1);
        w.WriteNumber("failed", 0);
        w.WriteEndObject();
        w.WriteNumber("_seq_no", outcome.SeqNo);
        w.WriteNumber("_primary_term", 1);
        w.WriteNumber("status", outcome.Result == ItemResult.Created ? 201 : 200);
        w.WriteEndObject();
        w.WriteEndObject();
        return outcome.Result;
    }

    private static (string Reason, string? Cause)? ParseFailure(FaultSettings faults, TargetIndex target, string id, ReadOnlySpan<byte> source)
    {
        if (!SourceInspector.TryInspect(source, out var hasTimestamp, out var column, out var error))
        {
            return ($"[1:{column}] {error}", null);
        }

        if (target.IsDataStream && !hasTimestamp)
        {
            const string Missing = "data stream timestamp field [@timestamp] is missing";
            return ($"[1:{column}] failed to parse: {Missing}", Missing);
        }

        // ConstantKeywordFieldMapper: a value other than the mapping's fails the document.
        if (target.ConstantFields.Count > 0
            && target.CheckConstants(SourceInspector.ScalarValues(source, target.ConstantFields)) is ({ } value, var expected))
        {
            return ($"[1:{value.Column}] failed to parse field [{value.Path}] of type [constant_keyword] in document with id '{id}'. Preview of field's value: '{value.Text}'",
                $"[constant_keyword] field [{value.Path}] only accepts values that are equal to the value defined in the mappings [{expected}], but got [{value.Text}]");
        }

        if (faults.MappingError is { } rule)
        {
            using var document = JsonDocument.Parse(source.ToArray());
            if (rule.Matches(document.RootElement))
            {
                var preview = SourceInspector.FieldText(document.RootElement, rule.Field) ?? "";
                return ($"[1:{SourceInspector.FieldColumn(source, rule.Field)}] failed to parse field [{rule.Field}] of type [long] in document with id '{id}'. Preview of field's value: '{preview}'",
                    $"For input string: \"{preview}\"");
            }
        }

        return null;
    }

    private static void Failure(Utf8JsonWriter w, BulkOperation operation, string index, string? id, int status, string type, string reason, Action<Utf8JsonWriter>? extra = null)
    {
        w.WriteStartObject();
        w.WriteStartObject(Name(operation));
        w.WriteString("_index", index);
        if (id is null)
        {
            w.WriteNull("_id");
        }
        else
        {
            w.WriteString("_id", id);
        }

        w.WriteNumber("status", status);
        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("reason", reason);
        extra?.Invoke(w);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // MetadataCreateIndexService#validateIndexOrAliasName, with its messages.
    private static string? InvalidIndexName(string name)
    {
        if (!name.Equals(name.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return $"Invalid index name [{name}], must be lowercase";
        }

        if (name.AsSpan().ContainsAny(ForbiddenIndexCharacters))
        {
            return $"Invalid index name [{name}], must not contain the following characters [' ','\"','*',',','/','<','>','?','\\','|']";
        }

        if (name.Length > 0 && name[0] is '_' or '-' or '+')
        {
            return $"Invalid index name [{name}], must not start with '_', '-', or '+'";
        }

        return name is "" or "." or ".." ? $"Invalid index name [{name}], must not be '.' or '..'" : null;
    }

    private static string Name(BulkOperation operation) => operation switch
    {
        BulkOperation.Create => "create",
        BulkOperation.Index => "index",
        BulkOperation.Update => "update",
        _ => "delete",
    };
}
