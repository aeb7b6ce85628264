using System.Globalization;
using System.Text;

namespace Rules.Generator.Emit
{
    /// <summary>C# spelling helpers: literals and identifiers.</summary>
    internal static class CSharp
    {
        public static string String(string? value)
        {
            if (value is null)
            {
                return "null";
            }

            var b = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\\': b.Append("\\\\"); break;
                    case '"': b.Append("\\\""); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    case '\0': b.Append("\\0"); break;
                    default:
                        if (char.IsControl(c) || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029' || c == '\u0085')
                        {
                            b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
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

        public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

        public static string Double(double value)
        {
            if (double.IsNaN(value))
            {
                return "double.NaN";
            }

            if (double.IsPositiveInfinity(value))
            {
                return "double.PositiveInfinity";
            }

            if (double.IsNegativeInfinity(value))
            {
                return "double.NegativeInfinity";
            }

            return value.ToString("R", CultureInfo.InvariantCulture) + "d";
        }

        public static string Bool(bool value) => value ? "true" : "false";

        /// <summary>PascalCase identifier from free text: "Persistence via WMI" -> "PersistenceViaWMI".</summary>
        public static string Identifier(string text, int maxLength = 80)
        {
            var b = new StringBuilder();
            var upperNext = true;
            foreach (var c in text)
            {
                if (c < 128 && char.IsLetterOrDigit(c))
                {
                    b.Append(upperNext ? char.ToUpperInvariant(c) : c);
                    upperNext = false;
                }
                else
                {
                    upperNext = true;
                }

                if (b.Length >= maxLength)
                {
                    break;
                }
            }

            if (b.Length == 0 || char.IsDigit(b[0]))
            {
                b.Insert(0, '_');
            }

            return b.ToString();
        }

        /// <summary>Turns a query into comment lines; "*/" cannot end a line comment, so nothing needs escaping.</summary>
        public static void AppendCommentLines(StringBuilder b, string indent, string text)
        {
            foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
            {
                b.Append(indent).Append("//");
                var trimmed = line.TrimEnd();
                if (trimmed.Length > 0)
                {
                    b.Append(' ').Append(trimmed);
                }

                b.Append('\n');
            }
        }

        /// <summary>Text safe inside an XML doc comment.</summary>
        public static string Xml(string text) =>
            text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\r", " ").Replace("\n", " ");
    }
}
