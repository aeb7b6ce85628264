using System;
using System.Collections.Generic;
using System.Text;

namespace Rules.Language.Schema
{
    /// <summary>Elasticsearch field types that decide what an operator means (docs/semantics.md).</summary>
    public enum FieldType
    {
        Keyword,
        ConstantKeyword,
        Wildcard,
        Text,
        MatchOnlyText,
        Long,
        Integer,
        Short,
        Byte,
        UnsignedLong,
        Double,
        Float,
        HalfFloat,
        ScaledFloat,
        Boolean,
        Date,
        DateNanos,
        Ip,
        GeoPoint,
        Object,
        Flattened,
        Nested,
        Binary,
        Version,
    }

    /// <summary>How a field's values are held on the event record; decided by the field type.</summary>
    public enum FieldValueKind
    {
        /// <summary>keyword, constant_keyword, wildcard, version: held as string, compared exactly.</summary>
        String,
        /// <summary>text, match_only_text: held as string, matched on analysed tokens.</summary>
        Text,
        /// <summary>long, integer, short, byte, unsigned_long: held as long.</summary>
        Integer,
        /// <summary>double, float, half_float, scaled_float: held as double.</summary>
        Float,
        Boolean,
        /// <summary>date, date_nanos: held as DateTimeOffset.</summary>
        Date,
        /// <summary>ip: held as string, compared as an address.</summary>
        Ip,
        /// <summary>object, nested, flattened, geo_point, binary: held as raw JSON text, not comparable.</summary>
        Other,
    }

    /// <summary>One field the compiler knows: name, Elasticsearch type, array-ness, the ECS field set.</summary>
    public sealed record FieldDefinition(string Path, FieldType Type, bool IsArray, string FieldSet, FieldSource Source)
    {
        public bool IsEcs => Source == FieldSource.Ecs;

        /// <summary>
        /// For a multi-field (<c>process.command_line.text</c>, Elastic Defend's <c>process.name.caseless</c>): the field
        /// whose value Elasticsearch indexes into it. Documents never carry a multi-field, so a matcher reads this parent
        /// (through <see cref="Normalizer"/> or the text analysis of <see cref="Type"/>). Null for ordinary fields.
        /// </summary>
        public string? MultiFieldOf { get; init; }

        /// <summary>The keyword normalizer of a multi-field ("lowercase" for .caseless), or null.</summary>
        public string? Normalizer { get; init; }

        /// <summary>
        /// A user schema's <c>null_value</c>, as a JSON scalar (<c>"NULL"</c>, <c>0</c>): Elasticsearch indexes an
        /// explicit JSON null in the field as this value. Null when not set.
        /// </summary>
        public string? NullValueJson { get; init; }

        /// <summary>A user schema's date <c>format</c> (Java-style pattern, <c>||</c> between alternatives), or null.</summary>
        public string? DateFormat { get; init; }

        public FieldValueKind ValueKind => FieldTypes.ValueKindOf(Type);
    }

    /// <summary>Where a field's definition came from.</summary>
    public enum FieldSource
    {
        Ecs,
        Integration,
        User,
    }

    public static class FieldTypes
    {
        private static readonly Dictionary<string, FieldType> ByName = new Dictionary<string, FieldType>(StringComparer.Ordinal)
        {
            ["keyword"] = FieldType.Keyword,
            ["constant_keyword"] = FieldType.ConstantKeyword,
            ["wildcard"] = FieldType.Wildcard,
            ["text"] = FieldType.Text,
            ["match_only_text"] = FieldType.MatchOnlyText,
            ["long"] = FieldType.Long,
            ["integer"] = FieldType.Integer,
            ["short"] = FieldType.Short,
            ["byte"] = FieldType.Byte,
            ["unsigned_long"] = FieldType.UnsignedLong,
            ["double"] = FieldType.Double,
            ["float"] = FieldType.Float,
            ["half_float"] = FieldType.HalfFloat,
            ["scaled_float"] = FieldType.ScaledFloat,
            ["boolean"] = FieldType.Boolean,
            ["date"] = FieldType.Date,
            ["date_nanos"] = FieldType.DateNanos,
            ["ip"] = FieldType.Ip,
            ["geo_point"] = FieldType.GeoPoint,
            ["object"] = FieldType.Object,
            ["flattened"] = FieldType.Flattened,
            ["nested"] = FieldType.Nested,
            ["binary"] = FieldType.Binary,
            ["version"] = FieldType.Version,
        };

        public static bool TryParse(string name, out FieldType type) => ByName.TryGetValue(name, out type);

        public static string ToName(FieldType type)
        {
            foreach (var pair in ByName)
            {
                if (pair.Value == type)
                {
                    return pair.Key;
                }
            }

            return type.ToString().ToLowerInvariant();
        }

        public static FieldValueKind ValueKindOf(FieldType type) => type switch
        {
            FieldType.Keyword or FieldType.ConstantKeyword or FieldType.Wildcard or FieldType.Version => FieldValueKind.String,
            FieldType.Text or FieldType.MatchOnlyText => FieldValueKind.Text,
            FieldType.Long or FieldType.Integer or FieldType.Short or FieldType.Byte or FieldType.UnsignedLong => FieldValueKind.Integer,
            FieldType.Double or FieldType.Float or FieldType.HalfFloat or FieldType.ScaledFloat => FieldValueKind.Float,
            FieldType.Boolean => FieldValueKind.Boolean,
            FieldType.Date or FieldType.DateNanos => FieldValueKind.Date,
            FieldType.Ip => FieldValueKind.Ip,
            _ => FieldValueKind.Other,
        };
    }

    /// <summary>
    /// The one naming rule shared by the record generator (runtime EcsEvent) and the matcher emitter, so that a
    /// field the binder accepts is a property the record has: <c>process.parent.executable</c> is
    /// <c>Process.Parent.Executable</c>, <c>process.pe.original_file_name</c> is <c>Process.Pe.OriginalFileName</c>,
    /// <c>@timestamp</c> is <c>Timestamp</c>.
    /// </summary>
    public static class EcsNaming
    {
        public static string[] PropertyPath(string fieldPath)
        {
            var segments = fieldPath.Split('.');
            var names = new string[segments.Length];
            for (var i = 0; i < segments.Length; i++)
            {
                names[i] = PropertyName(segments[i]);
            }

            return names;
        }

        public static string PropertyName(string segment)
        {
            var builder = new StringBuilder(segment.Length);
            var upperNext = true;
            foreach (var c in segment)
            {
                if (c == '_' || c == '@' || c == '-')
                {
                    upperNext = true;
                    continue;
                }

                if (!char.IsLetterOrDigit(c))
                {
                    upperNext = true;
                    continue;
                }

                builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }

            if (builder.Length == 0 || char.IsDigit(builder[0]))
            {
                builder.Insert(0, 'F');
            }

            return builder.ToString();
        }

        /// <summary>The class that holds the fields under an object path: <c>process.parent</c> is <c>ProcessParentFields</c>.</summary>
        public static string ClassName(string objectPath)
        {
            var builder = new StringBuilder();
            foreach (var name in PropertyPath(objectPath))
            {
                builder.Append(name);
            }

            return builder.Append("Fields").ToString();
        }

        /// <summary>The null-conditional C# access from an event variable: <c>e.Process?.Parent?.Executable</c>.</summary>
        public static string Accessor(string eventVariable, string fieldPath)
        {
            var builder = new StringBuilder(eventVariable);
            var names = PropertyPath(fieldPath);
            for (var i = 0; i < names.Length; i++)
            {
                builder.Append(i == 0 ? "." : "?.").Append(names[i]);
            }

            return builder.ToString();
        }
    }
}
