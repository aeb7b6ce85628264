using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Rules.Language.Documents
{
    /// <summary>
    /// Writes a <see cref="DocNode"/> as canonical JSON (RFC 8259): no whitespace, object keys sorted by ordinal
    /// comparison, strings with the minimal escapes, integers as written, floats in round-trip form. The same filter
    /// written in TOML or YAML, in any key order, gives the same text.
    /// </summary>
    public static class DocJson
    {
        /// <summary>The JSON text, or null when the value has no JSON form (a NaN or infinite float), named in <paramref name="problem"/>.</summary>
        public static string? Write(DocNode node, out DocNode? problem)
        {
            var builder = new StringBuilder();
            problem = null;
            return WriteNode(builder, node, ref problem) ? builder.ToString() : null;
        }

        private static bool WriteNode(StringBuilder builder, DocNode node, ref DocNode? problem)
        {
            switch (node)
            {
                case DocTable table:
                {
                    var entries = new List<DocEntry>(table.Entries);
                    entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                    builder.Append('{');
                    for (var i = 0; i < entries.Count; i++)
                    {
                        if (i > 0)
                        {
                            builder.Append(',');
                        }

                        WriteString(builder, entries[i].Key);
                        builder.Append(':');
                        if (!WriteNode(builder, entries[i].Value, ref problem))
                        {
                            return false;
                        }
                    }

                    builder.Append('}');
                    return true;
                }

                case DocArray array:
                {
                    builder.Append('[');
                    for (var i = 0; i < array.Items.Count; i++)
                    {
                        if (i > 0)
                        {
                            builder.Append(',');
                        }

                        if (!WriteNode(builder, array.Items[i], ref problem))
                        {
                            return false;
                        }
                    }

                    builder.Append(']');
                    return true;
                }

                case DocScalar scalar:
                    switch (scalar.Kind)
                    {
                        case DocNodeKind.String:
                        case DocNodeKind.DateTime:
                            WriteString(builder, Convert.ToString(scalar.Value, CultureInfo.InvariantCulture) ?? string.Empty);
                            return true;
                        case DocNodeKind.Integer:
                            builder.Append(((long)scalar.Value!).ToString(CultureInfo.InvariantCulture));
                            return true;
                        case DocNodeKind.Float:
                        {
                            var value = (double)scalar.Value!;
                            if (double.IsNaN(value) || double.IsInfinity(value))
                            {
                                problem = scalar;
                                return false;
                            }

                            var text = value.ToString("R", CultureInfo.InvariantCulture);
                            builder.Append(text);
                            if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0)
                            {
                                // Keep it a float in JSON readers that tell 1 from 1.0.
                                builder.Append(".0");
                            }

                            return true;
                        }

                        case DocNodeKind.Boolean:
                            builder.Append((bool)scalar.Value! ? "true" : "false");
                            return true;
                        default:
                            builder.Append("null");
                            return true;
                    }

                default:
                    builder.Append("null");
                    return true;
            }
        }

        public static void WriteString(StringBuilder builder, string value)
        {
            builder.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    case '\b': builder.Append("\\b"); break;
                    case '\f': builder.Append("\\f"); break;
                    default:
                        if (c < ' ')
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            builder.Append('"');
        }
    }
}
