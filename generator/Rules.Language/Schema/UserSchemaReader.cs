using System;
using System.Collections.Generic;
using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Text;
using Rules.Language.Toml;
using Rules.Language.Yaml;

namespace Rules.Language.Schema
{
    /// <summary>
    /// Reads a user schema file (<c>&lt;DetectionSchema Include="fields.yml" /&gt;</c>): YAML or TOML with a top-level
    /// <c>fields</c> list of <c>{ name, type, array }</c> entries, where type is an Elasticsearch field type, with the
    /// optional mapping parameters <c>null_value</c> and (date fields) <c>format</c>. Syntax
    /// errors keep their file-format ids (DR1001/DR1002/DR1101); everything else is DR8001 at the offending value.
    /// Valid entries are returned even when others have errors. See docs/rule-files.md.
    /// </summary>
    public static class UserSchemaReader
    {
        private static readonly HashSet<string> EntryKeys = new HashSet<string>(StringComparer.Ordinal) { "name", "type", "array", "description", "null_value", "format" };

        public static (IReadOnlyList<FieldDefinition> Fields, IReadOnlyList<RuleDiagnostic> Diagnostics) Read(string path, string text)
        {
            var source = new SourceText(path ?? string.Empty, text ?? string.Empty);
            var diagnostics = new List<RuleDiagnostic>();
            var fields = new List<FieldDefinition>();
            var extension = Extension(source.Path);
            DocParseResult parsed;
            if (extension == ".yml" || extension == ".yaml")
            {
                parsed = YamlReader.Parse(source);
            }
            else if (extension == ".toml")
            {
                parsed = TomlReader.Parse(source);
            }
            else
            {
                diagnostics.Add(Error(source, new SourceSpan(0, 0), $"'{source.Path}' is not a schema file kind the compiler knows ('{extension}'). Write the schema as *.yml, *.yaml or *.toml."));
                return (fields, diagnostics);
            }

            diagnostics.AddRange(parsed.Diagnostics);
            if (parsed.Root is null)
            {
                return (fields, diagnostics);
            }

            var list = parsed.Root["fields"];
            if (list is null)
            {
                diagnostics.Add(Error(source, new SourceSpan(0, 0), "The schema file has no top-level 'fields' list. Add one, for example: fields: [{ name: my_app.user, type: keyword }]."));
                return (fields, diagnostics);
            }

            if (list is not DocArray array)
            {
                diagnostics.Add(Error(source, list.Span, $"'fields' must be a list of field entries, but it is {list.KindName}."));
                return (fields, diagnostics);
            }

            var seen = new Dictionary<string, DocNode>(StringComparer.Ordinal);
            for (var i = 0; i < array.Items.Count; i++)
            {
                var field = ReadEntry(source, array.Items[i], i, seen, diagnostics);
                if (field != null)
                {
                    fields.Add(field);
                }
            }

            return (fields, diagnostics);
        }

        private static FieldDefinition? ReadEntry(SourceText source, DocNode item, int index, Dictionary<string, DocNode> seen, List<RuleDiagnostic> diagnostics)
        {
            if (item is not DocTable entry)
            {
                diagnostics.Add(Error(source, item.Span, $"fields[{index}] must be an entry with name and type, but it is {item.KindName}."));
                return null;
            }

            var ok = true;
            foreach (var key in entry.Entries)
            {
                if (!EntryKeys.Contains(key.Key))
                {
                    diagnostics.Add(Error(source, key.KeySpan, $"fields[{index}] has an unknown key '{key.Key}'. A field entry has name, type, array (true/false), description, null_value and format (date fields)."));
                    ok = false;
                }
            }

            var nameNode = entry["name"];
            string? name = null;
            if (nameNode is null)
            {
                diagnostics.Add(Error(source, entry.Span, $"fields[{index}] has no 'name'. Add the field's dotted path, such as name: my_app.user.id."));
                ok = false;
            }
            else if (nameNode is not DocScalar { Kind: DocNodeKind.String } nameScalar)
            {
                diagnostics.Add(Error(source, nameNode.Span, $"fields[{index}].name must be a string, but it is {nameNode.KindName}."));
                ok = false;
            }
            else if (!IsFieldPath(nameScalar.AsString ?? string.Empty))
            {
                diagnostics.Add(Error(source, nameNode.Span, $"'{nameScalar.AsString}' is not a field path. Write dot-separated names without spaces or empty parts, such as my_app.user.id."));
                ok = false;
            }
            else
            {
                name = nameScalar.AsString!;
                if (seen.ContainsKey(name))
                {
                    diagnostics.Add(Error(source, nameNode.Span, $"The field '{name}' is defined twice. Remove one of the entries."));
                    ok = false;
                }
                else
                {
                    seen.Add(name, nameNode);
                }
            }

            var typeNode = entry["type"];
            var type = FieldType.Keyword;
            if (typeNode is null)
            {
                diagnostics.Add(Error(source, entry.Span, $"fields[{index}] has no 'type'. Add an Elasticsearch field type, such as type: keyword."));
                ok = false;
            }
            else if (typeNode is not DocScalar { Kind: DocNodeKind.String } typeScalar)
            {
                diagnostics.Add(Error(source, typeNode.Span, $"fields[{index}].type must be a string, but it is {typeNode.KindName}."));
                ok = false;
            }
            else if (!FieldTypes.TryParse(typeScalar.AsString ?? string.Empty, out type))
            {
                diagnostics.Add(Error(source, typeNode.Span, $"'{typeScalar.AsString}' is not an Elasticsearch field type the compiler knows. Use one of: {KnownTypes()}."));
                ok = false;
            }

            var isArray = false;
            var arrayNode = entry["array"];
            if (arrayNode != null)
            {
                if (arrayNode is DocScalar { Kind: DocNodeKind.Boolean } arrayScalar)
                {
                    isArray = (bool)arrayScalar.Value!;
                }
                else
                {
                    diagnostics.Add(Error(source, arrayNode.Span, $"fields[{index}].array must be true or false, but it is {arrayNode.KindName}."));
                    ok = false;
                }
            }

            var descriptionNode = entry["description"];
            if (descriptionNode != null && descriptionNode.Kind != DocNodeKind.String)
            {
                diagnostics.Add(Error(source, descriptionNode.Span, $"fields[{index}].description must be a string, but it is {descriptionNode.KindName}."));
                ok = false;
            }

            string? nullValueJson = null;
            var nullValueNode = entry["null_value"];
            if (nullValueNode != null)
            {
                nullValueJson = NullValueJson(source, nullValueNode, index, type, diagnostics);
                ok &= nullValueJson != null;
            }

            string? dateFormat = null;
            var formatNode = entry["format"];
            if (formatNode != null)
            {
                if (formatNode is not DocScalar { Kind: DocNodeKind.String } formatScalar)
                {
                    diagnostics.Add(Error(source, formatNode.Span, $"fields[{index}].format must be a string, but it is {formatNode.KindName}."));
                    ok = false;
                }
                else if (type != FieldType.Date && type != FieldType.DateNanos)
                {
                    diagnostics.Add(Error(source, formatNode.Span, $"fields[{index}].format applies to date and date_nanos fields only; this field is {FieldTypes.ToName(type)}."));
                    ok = false;
                }
                else if (DateFormatProblem(formatScalar.AsString ?? string.Empty) is { } problem)
                {
                    diagnostics.Add(Error(source, formatNode.Span, $"fields[{index}].format '{formatScalar.AsString}': {problem}"));
                    ok = false;
                }
                else
                {
                    dateFormat = formatScalar.AsString;
                }
            }

            if (!ok || name is null)
            {
                return null;
            }

            var dot = name.IndexOf('.');
            var fieldSet = dot < 0 ? name : name.Substring(0, dot);
            return new FieldDefinition(name, type, isArray, fieldSet, FieldSource.User) { NullValueJson = nullValueJson, DateFormat = dateFormat };
        }

        /// <summary>
        /// <c>null_value</c>: a scalar of the field's kind (Elasticsearch rejects a mapping whose null_value the field
        /// cannot index), returned as a JSON token for the reader to index in place of an explicit null.
        /// </summary>
        private static string? NullValueJson(SourceText source, DocNode node, int index, FieldType type, List<RuleDiagnostic> diagnostics)
        {
            var kind = FieldTypes.ValueKindOf(type);
            var fits = node is DocScalar scalar && (kind, scalar.Kind) switch
            {
                (FieldValueKind.String or FieldValueKind.Text or FieldValueKind.Ip or FieldValueKind.Date, DocNodeKind.String) => true,
                (FieldValueKind.Integer or FieldValueKind.Date, DocNodeKind.Integer) => true,
                (FieldValueKind.Float, DocNodeKind.Integer or DocNodeKind.Float) => true,
                (FieldValueKind.Boolean, DocNodeKind.Boolean) => true,
                _ => false,
            };
            if (!fits)
            {
                diagnostics.Add(Error(source, node.Span, $"fields[{index}].null_value must be a {FieldTypes.ToName(type)} value, but it is {node.KindName}."));
                return null;
            }

            var value = ((DocScalar)node).Value;
            return value switch
            {
                string text => JsonString(text),
                bool flag => flag ? "true" : "false",
                double real => real.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
        }

        private static string JsonString(string text)
        {
            var b = new System.Text.StringBuilder("\"");
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"':
                        b.Append("\\\"");
                        break;
                    case '\\':
                        b.Append("\\\\");
                        break;
                    default:
                        if (c < ' ')
                        {
                            b.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            b.Append(c);
                        }

                        break;
                }
            }

            return b.Append('"').ToString();
        }

        /// <summary>The named formats the runtime's JavaDateFormat knows (Elasticsearch's built-in names).</summary>
        private static readonly HashSet<string> NamedDateFormats = new HashSet<string>(StringComparer.Ordinal)
        {
            "strict_date_optional_time", "date_optional_time", "strict_date_optional_time_nanos", "epoch_millis", "epoch_second",
        };

        /// <summary>
        /// Null when the runtime can parse dates in <paramref name="format"/>: alternatives separated by <c>||</c>, each
        /// a named format above or a pattern of yyyy/uuuu, MM, dd, HH, mm, ss, S..S (1-9), literal punctuation
        /// (- / . : , space) and 'quoted' text. Otherwise what is not supported (docs/rule-files.md).
        /// </summary>
        private static string? DateFormatProblem(string format)
        {
            if (format.Length == 0)
            {
                return "a format cannot be empty.";
            }

            foreach (var alternative in format.Split(new[] { "||" }, StringSplitOptions.None))
            {
                if (NamedDateFormats.Contains(alternative))
                {
                    continue;
                }

                for (var i = 0; i < alternative.Length;)
                {
                    var c = alternative[i];
                    if (c == '\'')
                    {
                        var close = alternative.IndexOf('\'', i + 1);
                        if (close < 0)
                        {
                            return "a quoted literal is not closed.";
                        }

                        i = close + 1;
                        continue;
                    }

                    var run = 1;
                    while (i + run < alternative.Length && alternative[i + run] == c)
                    {
                        run++;
                    }

                    var supported = c switch
                    {
                        'y' or 'u' => run == 4,
                        'M' or 'd' or 'H' or 'm' or 's' => run == 2,
                        'S' => run <= 9,
                        '-' or '/' or '.' or ':' or ',' or ' ' => true,
                        _ => false,
                    };
                    if (!supported)
                    {
                        return $"'{new string(c, run)}' is not supported. Supported: the named formats {string.Join(", ", NamedDateFormats)}, or patterns of yyyy, uuuu, MM, dd, HH, mm, ss, S to SSSSSSSSS, punctuation and 'quoted' text, with || between alternatives.";
                    }

                    i += run;
                }
            }

            return null;
        }

        private static bool IsFieldPath(string name)
        {
            if (name.Length == 0)
            {
                return false;
            }

            foreach (var segment in name.Split('.'))
            {
                if (segment.Length == 0)
                {
                    return false;
                }

                foreach (var c in segment)
                {
                    if (char.IsWhiteSpace(c) || char.IsControl(c) || c == '*' || c == '?' || c == '"' || c == '\\')
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static string KnownTypes()
        {
            var names = new List<string>();
            foreach (FieldType type in Enum.GetValues(typeof(FieldType)))
            {
                names.Add(FieldTypes.ToName(type));
            }

            return string.Join(", ", names);
        }

        private static RuleDiagnostic Error(SourceText source, SourceSpan span, string message) =>
            DiagnosticIds.UserSchemaInvalid.Create(source, span, message);

        private static string Extension(string path)
        {
            var dot = path.LastIndexOf('.');
            var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            return dot > slash ? path.Substring(dot).ToLowerInvariant() : string.Empty;
        }
    }
}
