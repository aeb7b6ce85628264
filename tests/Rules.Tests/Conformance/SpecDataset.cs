using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Language.Schema;

namespace Rules.Tests.Conformance;

/// <summary>How the suite's loader derives <c>@timestamp</c> from an endgame event's <c>timestamp</c>.</summary>
public enum TimestampSource
{
    /// <summary>The data carries <c>@timestamp</c> itself (or none).</summary>
    AsIs,
    /// <summary>endgame-140: <c>timestamp</c> is a Windows FILETIME; <c>@timestamp</c> = timestamp / 10000 - 11644473600000 (epoch ms).</summary>
    FileTime,
    /// <summary>endgame-140-nanos: <c>timestamp</c> is epoch nanoseconds.</summary>
    EpochNanos,
}

/// <summary>
/// One index of the spec suite, converted for the real pipeline (docs/conformance.md, "From an index to a schema
/// and events"): the mapping becomes a user schema file (what a consumer passes as a DetectionSchema item), the data
/// becomes NDJSON for the real EventReader.
/// </summary>
public sealed class SpecDataset
{
    private SpecDataset(string name, string idField, string? tiebreaker, string schemaYaml, IReadOnlyList<SpecEvent> events, IReadOnlyList<string> notes)
    {
        Name = name;
        IdField = idField;
        Tiebreaker = tiebreaker;
        SchemaYaml = schemaYaml;
        Events = events;
        Notes = notes;
    }

    public string Name { get; }

    /// <summary>The field the suite's expected_event_ids name (serial_event_id, sequence, id).</summary>
    public string IdField { get; }

    /// <summary>
    /// The field the suite's test classes pass as the search's <c>tiebreaker</c> (serial_event_id for endgame, sequence
    /// for extra and missing-events, none for the sample indices: ../shared/conformance/elasticsearch-eql/README.md).
    /// </summary>
    public string? Tiebreaker { get; }

    /// <summary>The user schema file (YAML) derived from the mapping and the data.</summary>
    public string SchemaYaml { get; }

    /// <summary>The events in data-file order, each as one NDJSON line with its id and sort key.</summary>
    public IReadOnlyList<SpecEvent> Events { get; }

    /// <summary>What the conversion did that a reader of the report should know (for the test output).</summary>
    public IReadOnlyList<string> Notes { get; }

    public static string Root => Path.Combine(TestPaths.Conformance, "elasticsearch-eql");

    /// <summary>endgame-140 (test_data.json), the dataset of test_queries.toml and friends.</summary>
    public static SpecDataset Endgame(string keywordType = "keyword") => Load("endgame-140", new[] { "endgame-140.mapping" }, new[] { Path.Combine(Root, "test_data.json") }, "serial_event_id", TimestampSource.FileTime, keywordType, tiebreaker: "serial_event_id");

    /// <summary>endgame-140-nanos: the same events, date_nanos timestamps.</summary>
    public static SpecDataset EndgameNanos(string keywordType = "keyword") => Load("endgame-140-nanos", new[] { "endgame-140-nanos.mapping" }, new[] { Path.Combine(Root, "test_data.json") }, "serial_event_id", TimestampSource.EpochNanos, keywordType, tiebreaker: "serial_event_id");

    public static SpecDataset Extra(string keywordType = "keyword") => Load("extra", new[] { "extra.mapping" }, new[] { Path.Combine(Root, "data", "extra.data") }, "sequence", TimestampSource.AsIs, keywordType, tiebreaker: "sequence");

    /// <summary>endgame-140 and endgame-shard-failures searched together (test_failing_shards.toml).</summary>
    public static SpecDataset EndgameWithShardFailures(string keywordType = "keyword") => Load(
        "endgame-140,endgame-shard-failures",
        new[] { "endgame-140.mapping", "endgame-shard-failures.mapping" },
        new[] { Path.Combine(Root, "test_data.json"), Path.Combine(Root, "data", "endgame-shard-failures.data") },
        "serial_event_id",
        TimestampSource.FileTime,
        keywordType,
        tiebreaker: "serial_event_id");

    /// <summary>sample1, sample2 and sample3 searched together (test_sample.toml): fields differ per index.</summary>
    public static SpecDataset Samples(string keywordType = "keyword") => Load(
        "sample1,sample2,sample3",
        new[] { "sample1.mapping", "sample2.mapping", "sample3.mapping" },
        new[] { "sample1.data", "sample2.data", "sample3.data" }.Select(f => Path.Combine(Root, "data", f)).ToArray(),
        "id",
        TimestampSource.AsIs,
        keywordType);

    public static SpecDataset SampleMulti(string keywordType = "keyword") => Load("sample-multi", new[] { "sample-multi.mapping" }, new[] { Path.Combine(Root, "data", "sample-multi.data") }, "id", TimestampSource.AsIs, keywordType);

    public static SpecDataset MissingEvents(string keywordType = "keyword") => Load("missing-events", new[] { "missing-events.mapping" }, new[] { Path.Combine(Root, "data", "missing-events.data") }, "sequence", TimestampSource.AsIs, keywordType, tiebreaker: "sequence");

    /// <summary>Several indices searched as one (a comma-separated index pattern): their mappings merged, first definition wins.</summary>
    /// <param name="keywordType">What the mappings' "[runtime_random_keyword_type]" becomes: the suite's loader picks
    /// keyword or wildcard at random, so both must give Elasticsearch's results.</param>
    public static SpecDataset Load(string name, IReadOnlyList<string> mappingFiles, IReadOnlyList<string> dataFiles, string idField, TimestampSource timestamps, string keywordType = "keyword", string? tiebreaker = null)
    {
        var notes = new List<string>();
        var mapping = new Mapping(new(), new());
        foreach (var file in mappingFiles)
        {
            var next = ReadMapping(Path.Combine(Root, "data", file));
            foreach (var field in next.Fields)
            {
                var index = mapping.Fields.FindIndex(m => m.Path == field.Path);
                if (index < 0)
                {
                    mapping.Fields.Add(field);
                }
                else if (field.Format is not null && mapping.Fields[index].Format is { } first && first != field.Format)
                {
                    // Each index parses its own documents with its own format; one schema for all of them takes
                    // either format, which Elasticsearch writes as alternatives ("a||b").
                    mapping.Fields[index] = mapping.Fields[index] with { Format = first + "||" + field.Format };
                    notes.Add($"field {field.Path}: the indices' date formats merged as \"{first}||{field.Format}\"");
                }
            }

            mapping.Aliases.AddRange(next.Aliases.Where(a => !mapping.Aliases.Any(m => m.Alias == a.Alias)));
        }

        var documents = dataFiles.SelectMany(ReadDocuments).ToList();
        foreach (var document in documents)
        {
            DeriveTimestamp(document, timestamps);
            foreach (var (alias, target) in mapping.Aliases)
            {
                // An alias reads its target's values. The runtime has no aliases, so the document carries the target's
                // values under the alias path too (event.category is the ECS field the matchers read).
                if (Lookup(document, target) is { } value)
                {
                    document[alias] = value.DeepClone();
                }
            }
        }

        notes.Add($"aliases copied into each event: {string.Join(", ", mapping.Aliases.Select(a => a.Alias + " <- " + a.Target))}");
        var schema = BuildSchema(mapping, documents, notes, keywordType);
        var events = new List<SpecEvent>();
        foreach (var document in documents)
        {
            var id = Lookup(document, idField)?.GetValue<long>() ?? throw new InvalidDataException($"{name}: an event has no {idField}.");
            var time = document["@timestamp"]?.ToString() is { } text && Rules.Runtime.ValueCoercion.TryDate(text, out var parsed) ? parsed : (DateTimeOffset?)null;
            var order = tiebreaker is null ? (long?)null : Lookup(document, tiebreaker)?.GetValue<long>();
            events.Add(new SpecEvent(id, document.ToJsonString()) { Timestamp = time, TiebreakerValue = order });
        }

        return new SpecDataset(name, idField, tiebreaker, schema, events, notes);
    }

    /// <summary>
    /// The events in the order Elasticsearch sorts them for a search and a sequence: <c>@timestamp</c>, then the
    /// tiebreaker, then index order (stable). A stream is read in this order: arrival order is the runtime's
    /// tiebreaker (docs/sequences.md, "Ordering and time").
    /// </summary>
    public IReadOnlyList<SpecEvent> StreamOrder() => Events
        .Select((e, position) => (e, position))
        .OrderBy(x => x.e.Timestamp ?? DateTimeOffset.MinValue)
        .ThenBy(x => x.e.TiebreakerValue ?? 0)
        .ThenBy(x => x.position)
        .Select(x => x.e)
        .ToList();

    /// <summary>NDJSON for EventReader: one line per event, in <paramref name="events"/>' order (default: file order).</summary>
    public byte[] Ndjson(IReadOnlyList<SpecEvent>? events = null)
    {
        var builder = new StringBuilder();
        foreach (var e in events ?? Events)
        {
            builder.Append(e.Json).Append('\n');
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static IEnumerable<JsonObject> ReadDocuments(string path)
    {
        // missing-events.data has // comment lines; Elasticsearch's JSON parser allows them.
        var json = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        return json.AsArray().Select(n => n!.AsObject());
    }

    private static void DeriveTimestamp(JsonObject document, TimestampSource source)
    {
        if (source == TimestampSource.AsIs || document["timestamp"] is not JsonValue raw)
        {
            return;
        }

        var value = raw.GetValue<long>();
        document["@timestamp"] = source == TimestampSource.FileTime
            ? DateTimeOffset.FromUnixTimeMilliseconds(value / 10000 - 11644473600000).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : DateTimeOffset.FromUnixTimeMilliseconds(value / 1_000_000).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
              + "." + (value % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture) + "Z";
    }

    private static JsonNode? Lookup(JsonObject document, string path)
    {
        if (document.TryGetPropertyValue(path, out var direct))
        {
            return direct;
        }

        var dot = path.IndexOf('.');
        return dot > 0 && document[path[..dot]] is JsonObject inner ? Lookup(inner, path[(dot + 1)..]) : null;
    }

    // ------------------------------------------------------------------ mapping -> user schema

    /// <summary>A mapped field: its type and the mapping parameters a schema carries (null_value, format).</summary>
    private sealed record MappedField(string Path, string Type, string? NullValue = null, string? Format = null);

    private sealed record Mapping(List<MappedField> Fields, List<(string Alias, string Target)> Aliases);

    private static Mapping ReadMapping(string path)
    {
        // Mapping files may begin with '#' comment lines, which the suite's loader drops.
        var json = string.Join("\n", File.ReadAllLines(path).Where(line => !line.TrimStart().StartsWith('#')));
        var mapping = new Mapping(new(), new());
        var root = JsonNode.Parse(json)!.AsObject();
        Walk(root["properties"]!.AsObject(), string.Empty, mapping);
        if (root["runtime"] is JsonObject runtime)
        {
            // A runtime field's script is not run: no document carries the field (the suite's one runtime field,
            // 'broken', has a script that fails on every document).
            foreach (var (name, definition) in runtime)
            {
                mapping.Fields.Add(new MappedField(name, definition!["type"]!.GetValue<string>()));
            }
        }

        return mapping;
    }

    private static void Walk(JsonObject properties, string prefix, Mapping mapping)
    {
        foreach (var (name, node) in properties)
        {
            var path = prefix + name;
            var definition = node!.AsObject();
            if (definition["properties"] is JsonObject inner)
            {
                Walk(inner, path + ".", mapping);
                continue;
            }

            var type = definition["type"]?.GetValue<string>() ?? "object";
            if (type == "alias")
            {
                mapping.Aliases.Add((path, definition["path"]!.GetValue<string>()));
                continue;
            }

            mapping.Fields.Add(new MappedField(path, type, definition["null_value"]?.ToString(), definition["format"]?.GetValue<string>()));

            // Multi-fields (hostname.<keyword>) are named by the placeholder itself upstream and no query names them.
        }
    }

    private static string BuildSchema(Mapping mapping, List<JsonObject> documents, List<string> notes, string keywordType)
    {
        var arrays = new HashSet<string>(StringComparer.Ordinal);
        var dynamic = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            Infer(document, string.Empty, arrays, dynamic);
        }

        var fields = new List<MappedField>();
        foreach (var field in mapping.Fields)
        {
            fields.Add(field with { Type = field.Type.StartsWith('[') ? keywordType : field.Type });
        }

        // Fields the mapping leaves to dynamic mapping are typed from the data, as Elasticsearch would type them.
        var mapped = new HashSet<string>(mapping.Fields.Select(f => f.Path).Concat(mapping.Aliases.Select(a => a.Alias)), StringComparer.Ordinal);
        // An ECS field the mapping leaves to dynamic mapping (extra.data's process.entity_id, a number) is left to the
        // built-in catalog whatever its kind, as a consumer with ECS data would: declaring it again with the type the
        // data suggests would hide the record's property from the matchers.
        var builtIn = FieldCatalog.BuiltIn;
        var dynamicEcs = dynamic.Keys.Where(k => !mapped.Contains(k) && builtIn.TryGetField(k, out _)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (dynamicEcs.Count > 0)
        {
            notes.Add($"not in the mapping and in the built-in catalog, left to it: {string.Join(", ", dynamicEcs)}");
        }

        fields.AddRange(dynamic.Where(d => !mapped.Contains(d.Key) && !builtIn.TryGetField(d.Key, out _)).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new MappedField(d.Key, d.Value)));

        var yaml = new StringBuilder("# Derived from the Elasticsearch EQL spec suite's mapping and data (docs/conformance.md).\nfields:\n");
        var kept = new List<string>();
        foreach (var (path, type, nullValue, format) in fields)
        {
            if (!FieldTypes.TryParse(type, out var fieldType))
            {
                notes.Add($"field {path}: type {type} has no counterpart, left out");
                continue;
            }

            // A field the built-in catalog already defines with the same kind is left to it (a consumer's schema would
            // not redeclare it): for ECS fields the reader fills the record's property and the matcher reads it there.
            if (builtIn.TryGetField(path, out var ecs) && ecs.ValueKind == FieldTypes.ValueKindOf(fieldType) && nullValue is null && format is null)
            {
                kept.Add(path);
                continue;
            }

            yaml.Append("  - { name: \"").Append(path).Append("\", type: ").Append(type)
                .Append(", array: ").Append(arrays.Contains(path) ? "true" : "false");
            if (nullValue is not null)
            {
                yaml.Append(", null_value: ").Append(JsonSerializer.Serialize(nullValue));
            }

            if (format is not null)
            {
                yaml.Append(", format: ").Append(JsonSerializer.Serialize(format));
            }

            yaml.Append(" }\n");
        }

        if (kept.Count > 0)
        {
            notes.Add($"already in the built-in catalog with the same kind, not redeclared: {string.Join(", ", kept)}");
        }

        return yaml.ToString();
    }

    private static void Infer(JsonObject document, string prefix, HashSet<string> arrays, Dictionary<string, string> types)
    {
        foreach (var (name, node) in document)
        {
            var path = prefix + name;
            var value = node;
            if (value is JsonArray array)
            {
                arrays.Add(path);
                value = array.FirstOrDefault(v => v is not null);
            }

            switch (value)
            {
                case JsonObject inner:
                    Infer(inner, path + ".", arrays, types);
                    break;
                case JsonValue scalar:
                    // Elasticsearch's dynamic mapping: string -> text with a keyword sub-field (EQL compares the
                    // keyword, so keyword here), integral -> long, other numbers -> float, true/false -> boolean.
                    var type = scalar.GetValueKind() switch
                    {
                        JsonValueKind.String => "keyword",
                        JsonValueKind.Number => scalar.ToJsonString().IndexOfAny(new[] { '.', 'e', 'E' }) >= 0 ? "float" : "long",
                        JsonValueKind.True or JsonValueKind.False => "boolean",
                        _ => null,
                    };
                    if (type is not null)
                    {
                        types.TryAdd(path, type);
                    }

                    break;
            }
        }
    }
}

/// <summary>One event of a dataset: the id the suite's expectations use, and the NDJSON line.</summary>
public sealed record SpecEvent(long Id, string Json)
{
    /// <summary>The event's <c>@timestamp</c> (null: none), for the stream order.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The value of the dataset's tiebreaker field, or null.</summary>
    public long? TiebreakerValue { get; init; }
}
