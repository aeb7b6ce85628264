using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Rules.Language.Schema;

namespace Rules.CatalogTool;

/// <summary>The derived outputs, as text, so that a test can compare them with the committed files byte for byte.</summary>
internal sealed record DerivedFiles(string FieldsTsv, string EcsEventSource, CatalogStatistics Statistics, IReadOnlyList<SchemaField> Fields);

internal sealed record CatalogStatistics(
    int EcsFields,
    int IntegrationFields,
    int SupplementalFields,
    int SupplementalShadowed,
    IReadOnlyDictionary<string, int> IntegrationBySource,
    IReadOnlyDictionary<string, int> Skipped);

/// <summary>
/// Merges the schema sources into one catalog. Priority, highest first: ECS; ECS multi_fields; Elastic Defend endpoint
/// fields; non-ecs-schema.json; Beats; the hand-curated supplemental-fields.tsv ("schema data wins where both exist").
/// </summary>
internal static class CatalogDerivation
{
    public const string FieldsTsvRelativePath = "generator/Rules.Language/Schema/fields.tsv";
    public const string EcsEventRelativePath = "runtime/Rules.Runtime/Ecs/EcsEvent.g.cs";
    public const string SupplementalRelativePath = "generator/Rules.CatalogTool/supplemental-fields.tsv";

    public static DerivedFiles Derive(string schemasDirectory, string supplementalPath)
    {
        var skipped = new SkipLog();
        var ecs = SchemaSources.ReadEcs(schemasDirectory, out var ecsMultiFields);
        var ecsTypes = ecs.ToDictionary(f => f.Path, f => f.Type, StringComparer.Ordinal);

        var merged = new Dictionary<string, SchemaField>(StringComparer.Ordinal);
        foreach (var field in ecs)
        {
            if (!FieldTypes.TryParse(field.Type, out _))
            {
                throw new InvalidDataException($"ECS field {field.Path} has type '{field.Type}', which FieldTypes does not know; extend FieldTypes.");
            }

            merged.Add(field.Path, field);
        }

        var bySource = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void AddIntegration(IEnumerable<SchemaField> fields, string sourceName)
        {
            foreach (var field in fields)
            {
                if (!FieldTypes.TryParse(field.Type, out _))
                {
                    skipped.Add(sourceName + ": type '" + field.Type + "' has no query semantics here");
                    continue;
                }

                if (merged.ContainsKey(field.Path))
                {
                    continue;
                }

                merged.Add(field.Path, field);
                bySource[sourceName] = bySource.TryGetValue(sourceName, out var n) ? n + 1 : 1;
            }
        }

        AddIntegration(ecsMultiFields, "ecs multi_fields");
        AddIntegration(SchemaSources.ReadEndpoint(schemasDirectory).Select(f => AsEndpointMultiField(f, merged)), "endpoint");
        AddIntegration(SchemaSources.ReadNonEcs(schemasDirectory), "non-ecs-schema");
        AddIntegration(SchemaSources.ReadBeats(schemasDirectory, ecsTypes, skipped), "beats");

        var supplemental = ReadSupplemental(supplementalPath);
        var shadowed = 0;
        var supplementalAdded = 0;
        foreach (var field in supplemental)
        {
            if (merged.ContainsKey(field.Path))
            {
                shadowed++;
                continue;
            }

            merged.Add(field.Path, field);
            supplementalAdded++;
        }

        var ordered = merged.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var tsv = WriteTsv(ordered);
        var record = RecordSourceWriter.Write(ordered.Where(f => f.Source == "ecs").ToList(), ordered.Where(f => f.MultiFieldOf is not null).ToList());
        var statistics = new CatalogStatistics(
            ecs.Count,
            ordered.Count(f => f.Source != "ecs"),
            supplementalAdded,
            shadowed,
            bySource,
            skipped.Reasons);
        return new DerivedFiles(tsv, record, statistics, ordered);
    }

    /// <summary>
    /// Elastic Defend maps <c>.caseless</c> (keyword, lowercase normalizer) and <c>.text</c> (text) multi-fields under
    /// some ECS keyword fields (process.name.caseless, process.command_line.text); the endpoint schema lists them as
    /// plain fields. They are recognised by that suffix under an ECS keyword/wildcard leaf.
    /// </summary>
    private static SchemaField AsEndpointMultiField(SchemaField field, IReadOnlyDictionary<string, SchemaField> merged)
    {
        var dot = field.Path.LastIndexOf('.');
        if (dot < 0)
        {
            return field;
        }

        var suffix = field.Path.Substring(dot + 1);
        if ((suffix == "caseless" || suffix == "text")
            && merged.TryGetValue(field.Path.Substring(0, dot), out var parent)
            && parent.Source == "ecs"
            && (parent.Type is "keyword" or "wildcard"))
        {
            return field with
            {
                MultiFieldOf = parent.Path,
                Normalizer = suffix == "caseless" ? "lowercase" : null,
                IsArray = parent.IsArray,
            };
        }

        return field;
    }

    /// <summary>
    /// supplemental-fields.tsv: path, type, array (0|1), field set, source, reason. Hand-curated for corpus fields that
    /// no schema defines; the reason column says where the type comes from.
    /// </summary>
    public static List<SchemaField> ReadSupplemental(string path)
    {
        var fields = new List<SchemaField>();
        var lineNumber = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length != 6 || !FieldTypes.TryParse(parts[1], out _) || (parts[2] != "0" && parts[2] != "1") || parts[5].Trim().Length == 0)
            {
                throw new InvalidDataException($"{path}({lineNumber}): expected 6 tab-separated columns: path, known type, 0|1, field set, source, reason.");
            }

            fields.Add(new SchemaField(parts[0], parts[1], parts[2] == "1", parts[3], parts[4], "supplemental: " + parts[5]));
        }

        return fields;
    }

    private static string WriteTsv(IReadOnlyList<SchemaField> fields)
    {
        var builder = new StringBuilder();
        builder.Append("# Field catalog derived by generator/Rules.CatalogTool; do not edit (run the tool, see docs/event-record.md).\n");
        builder.Append("# Sources: ECS 9.5.0 flat, Beats 9.5.0, Elastic Defend endpoint_process, non-ecs-schema.json (elastic/detection-rules\n");
        builder.Append("# 14cf530f0d2177023092449cd9d9348b4a8884c2) and generator/Rules.CatalogTool/supplemental-fields.tsv.\n");
        builder.Append("# path\ttype\tarray\tfieldset\tsource[\tmulti-field of\tnormalizer] (the last two only for multi-fields)\n");
        foreach (var field in fields)
        {
            builder.Append(field.Path).Append('\t')
                .Append(field.Type).Append('\t')
                .Append(field.IsArray ? '1' : '0').Append('\t')
                .Append(field.FieldSet).Append('\t')
                .Append(field.Source == "ecs" ? "ecs" : "integration");
            if (field.MultiFieldOf is not null)
            {
                builder.Append('\t').Append(field.MultiFieldOf).Append('\t').Append(field.Normalizer ?? "");
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }
}
