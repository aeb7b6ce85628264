using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using Rules.Language.Schema;

namespace Rules.CatalogTool;

/// <summary>One field as a schema file states it, before merging.</summary>
internal sealed record SchemaField(string Path, string Type, bool IsArray, string FieldSet, string Source, string Origin)
{
    /// <summary>For a multi-field: the field whose value is indexed into it (written as catalog column 6).</summary>
    public string? MultiFieldOf { get; init; }

    /// <summary>For a keyword multi-field with a normalizer, e.g. "lowercase" (catalog column 7).</summary>
    public string? Normalizer { get; init; }
}

/// <summary>What a schema reader skipped, so the tool can report it instead of dropping it silently.</summary>
internal sealed class SkipLog
{
    public SortedDictionary<string, int> Reasons { get; } = new(StringComparer.Ordinal);

    public void Add(string reason) => Reasons[reason] = Reasons.TryGetValue(reason, out var n) ? n + 1 : 1;
}

/// <summary>
/// Readers for the pinned schema files in ../shared/schemas (see its README.md for provenance). Each returns fields in a
/// deterministic order; merging and priorities live in <see cref="CatalogDerivation"/>.
/// </summary>
internal static class SchemaSources
{
    public const string EcsFile = "ecs_flat-9.5.0.json.gz";
    public const string BeatsFile = "beats-9.5.0.json.gz";
    public const string EndpointFile = "endpoint_process.json.gz";
    public const string NonEcsFile = "non-ecs-schema.json";

    public static JsonDocument LoadJson(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return JsonDocument.Parse(buffer.ToArray());
    }

    /// <summary>
    /// ECS flat: one entry per field with <c>type</c> and <c>normalize</c>. A field is an array when its <c>normalize</c>
    /// contains "array", or when it lies under an object/nested field that is an array (dns.answers.*, *.sections.*):
    /// Elasticsearch flattens arrays of objects, so such a leaf holds one value per element.
    /// </summary>
    public static List<SchemaField> ReadEcs(string schemasDirectory) => ReadEcs(schemasDirectory, out _);

    /// <param name="multiFields">ECS multi_fields (process.command_line.text ...): not document fields, so they are
    /// returned apart, as integration fields pointing at their parent.</param>
    public static List<SchemaField> ReadEcs(string schemasDirectory, out List<SchemaField> multiFields)
    {
        using var document = LoadJson(Path.Combine(schemasDirectory, EcsFile));
        var raw = new List<(string Path, string Type, bool Array)>();
        multiFields = new List<SchemaField>();
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.TryGetProperty("multi_fields", out var multi) && multi.ValueKind == JsonValueKind.Array)
            {
                var parentIsArray = entry.Value.TryGetProperty("normalize", out var parentNormalize)
                    && parentNormalize.ValueKind == JsonValueKind.Array
                    && parentNormalize.EnumerateArray().Any(n => n.ValueKind == JsonValueKind.String && n.GetString() == "array");
                foreach (var item in multi.EnumerateArray())
                {
                    var flatName = item.TryGetProperty("flat_name", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : null;
                    var multiType = item.TryGetProperty("type", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString()! : null;
                    if (flatName is not null && multiType is not null)
                    {
                        var normalizer = item.TryGetProperty("normalizer", out var nz) && nz.ValueKind == JsonValueKind.String ? nz.GetString() : null;
                        multiFields.Add(new SchemaField(flatName, multiType, parentIsArray, EcsFieldSet(entry.Name), "integration", EcsFile + " multi_fields")
                        {
                            MultiFieldOf = entry.Name,
                            Normalizer = normalizer,
                        });
                    }
                }
            }

            var type = entry.Value.GetProperty("type").GetString() ?? "keyword";
            var isArray = entry.Value.TryGetProperty("normalize", out var normalize)
                && normalize.ValueKind == JsonValueKind.Array
                && normalize.EnumerateArray().Any(n => n.ValueKind == JsonValueKind.String && n.GetString() == "array");
            raw.Add((entry.Name, type, isArray));
        }

        var arrayObjects = new HashSet<string>(
            raw.Where(f => f.Array && (f.Type == "object" || f.Type == "nested")).Select(f => f.Path),
            StringComparer.Ordinal);

        var fields = new List<SchemaField>(raw.Count);
        foreach (var (path, type, isArray) in raw)
        {
            var underArrayObject = false;
            for (var dot = path.IndexOf('.'); dot > 0; dot = path.IndexOf('.', dot + 1))
            {
                if (arrayObjects.Contains(path.Substring(0, dot)))
                {
                    underArrayObject = true;
                    break;
                }
            }

            fields.Add(new SchemaField(path, type, isArray || underArrayObject, EcsFieldSet(path), "ecs", EcsFile));
        }

        return fields;
    }

    /// <summary>ECS puts the top-level fields (@timestamp, message, tags, labels) in the "base" field set.</summary>
    public static string EcsFieldSet(string path)
    {
        var dot = path.IndexOf('.');
        return dot < 0 ? "base" : path.Substring(0, dot);
    }

    public static string IntegrationFieldSet(string path)
    {
        var dot = path.IndexOf('.');
        return dot < 0 ? path : path.Substring(0, dot);
    }

    /// <summary>Elastic Defend fields beyond ECS: a flat map path -> type.</summary>
    public static List<SchemaField> ReadEndpoint(string schemasDirectory)
    {
        using var document = LoadJson(Path.Combine(schemasDirectory, EndpointFile));
        var fields = new List<SchemaField>();
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.String)
            {
                fields.Add(new SchemaField(entry.Name, entry.Value.GetString()!, false, IntegrationFieldSet(entry.Name), "integration", EndpointFile));
            }
        }

        return fields;
    }

    /// <summary>
    /// non-ecs-schema.json: per index pattern, a tree whose keys may themselves be dotted ("winlog": {"event_data": ...}
    /// and "winlog.logon.type" both occur); leaves are type names. Index patterns are visited in name order.
    /// </summary>
    public static List<SchemaField> ReadNonEcs(string schemasDirectory)
    {
        using var document = LoadJson(Path.Combine(schemasDirectory, NonEcsFile));
        var fields = new List<SchemaField>();
        foreach (var index in document.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            Flatten(index.Value, "", fields, NonEcsFile + " [" + index.Name + "]");
        }

        return fields;

        static void Flatten(JsonElement node, string prefix, List<SchemaField> fields, string origin)
        {
            foreach (var property in node.EnumerateObject())
            {
                var path = prefix + property.Name;
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    Flatten(property.Value, path + ".", fields, origin);
                }
                else if (property.Value.ValueKind == JsonValueKind.String)
                {
                    fields.Add(new SchemaField(path, property.Value.GetString()!, false, IntegrationFieldSet(path), "integration", origin));
                }
            }
        }
    }

    /// <summary>
    /// Beats module fields, flattened the way elastic/detection-rules does it (detection_rules/beats.py:
    /// get_beat_root_schema and get_beats_sub_schema): a beat's own _meta fields.yml/fields.common.yml without prefix,
    /// each module's _meta fields without prefix, and each dataset's _meta fields under the prefix "module.". Test
    /// folders and other files are not visited. Aliases resolve to their target's type; field names with wildcards
    /// are patterns, not fields, and are reported as skipped.
    /// </summary>
    public static List<SchemaField> ReadBeats(string schemasDirectory, IReadOnlyDictionary<string, string> ecsTypes, SkipLog skipped)
    {
        using var document = LoadJson(Path.Combine(schemasDirectory, BeatsFile));
        var flattened = new List<(string Path, JsonElement Field, string Origin)>();
        foreach (var beat in document.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            CollectFieldFiles(beat.Value, "", beat.Name + "/_meta", flattened);
            var modules = Child(Child(beat.Value, "folders"), "module");
            foreach (var module in ChildObjects(Child(modules, "folders")))
            {
                foreach (var dataset in ChildObjects(Child(module.Value, "folders")))
                {
                    if (!dataset.Name.StartsWith("_", StringComparison.Ordinal))
                    {
                        CollectFieldFiles(dataset.Value, module.Name + ".", $"{beat.Name}/module/{module.Name}/{dataset.Name}/_meta", flattened);
                    }
                }

                CollectFieldFiles(module.Value, "", $"{beat.Name}/module/{module.Name}/_meta", flattened);
            }
        }

        // First definition of a path wins: beats, modules and datasets are visited in name order.
        var byPath = new Dictionary<string, (string Type, JsonElement Field, string Origin)>(StringComparer.Ordinal);
        foreach (var (path, field, origin) in flattened)
        {
            var type = field.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "keyword";
            if (!byPath.ContainsKey(path))
            {
                byPath.Add(path, (type, field, origin));
            }
        }

        var fields = new List<SchemaField>();
        foreach (var pair in byPath.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = pair.Key;
            var (type, field, origin) = pair.Value;
            if (path.IndexOf('*') >= 0)
            {
                skipped.Add("beats: wildcard pattern, not a field name");
                continue;
            }

            if (path.Split('.').Any(segment => segment.Length == 0 || segment.Trim().Length != segment.Length))
            {
                skipped.Add("beats: malformed name (empty segment or spaces)");
                continue;
            }

            var isArray = false;
            if (type == "alias")
            {
                var target = field.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
                if (byPath.TryGetValue(target, out var resolved) && resolved.Type != "alias")
                {
                    type = resolved.Type;
                }
                else if (ecsTypes.TryGetValue(target, out var ecsType))
                {
                    type = ecsType;
                }
                else
                {
                    skipped.Add("beats: alias whose target is unknown");
                    continue;
                }
            }

            if (type == "array")
            {
                // Beats' "array" type has no Elasticsearch mapping of its own; its values are keywords.
                type = "keyword";
                isArray = true;
            }

            if (!FieldTypes.TryParse(type, out _))
            {
                skipped.Add("beats: type '" + type + "' has no query semantics here");
                continue;
            }

            fields.Add(new SchemaField(path, type, isArray, IntegrationFieldSet(path), "integration", BeatsFile + " " + origin));
        }

        return fields;
    }

    private static void CollectFieldFiles(JsonElement folder, string prefix, string origin, List<(string, JsonElement, string)> output)
    {
        var files = Child(Child(Child(Child(folder, "folders"), "_meta"), "files"), "");
        foreach (var name in new[] { "fields.yml", "fields.common.yml" })
        {
            var list = Child(files, name);
            if (list.ValueKind == JsonValueKind.Array)
            {
                FlattenBeats(list, prefix, output, origin + "/" + name);
            }
        }
    }

    /// <summary>Port of detection_rules/beats.py _flatten_schema, including its zoom.zoom.* heuristic.</summary>
    private static void FlattenBeats(JsonElement schema, string prefix, List<(string, JsonElement, string)> output, string origin)
    {
        if (schema.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var count = schema.GetArrayLength();
        foreach (var item in schema.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
            var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == "group")
            {
                if (name is null)
                {
                    continue;
                }

                var nestedPrefix = prefix + name + ".";
                if (count == 1 && prefix.Length > 0 && nestedPrefix.StartsWith(prefix + prefix, StringComparison.Ordinal))
                {
                    nestedPrefix = name + ".";
                }

                if (item.TryGetProperty("field", out var single))
                {
                    FlattenBeats(single, nestedPrefix, output, origin);
                }
                else if (item.TryGetProperty("fields", out var groupFields))
                {
                    FlattenBeats(groupFields, nestedPrefix, output, origin);
                }
            }
            else if (item.TryGetProperty("fields", out var sectionFields))
            {
                FlattenBeats(sectionFields, prefix, output, origin);
            }
            else if (name is not null)
            {
                output.Add((prefix + name, item, origin));
            }
        }
    }

    private static JsonElement Child(JsonElement element, string name)
    {
        if (name.Length == 0)
        {
            return element;
        }

        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child) ? child : default;
    }

    private static IEnumerable<JsonProperty> ChildObjects(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).OrderBy(p => p.Name, StringComparer.Ordinal)
            : Enumerable.Empty<JsonProperty>();
}
