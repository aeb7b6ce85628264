using System;
using System.Collections.Generic;
using System.Globalization;
using Rules.Language.Analysis;
using Rules.Language.Diagnostics;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Language.Kql
{
    /// <summary>
    /// What an Elasticsearch query on one field means for each field type, shared by KQL and query-DSL filters so
    /// both agree (docs/semantics.md, "KQL and query DSL"). Each method returns the IR condition, or null after
    /// reporting an error through <c>error(descriptor, message)</c>; the caller decides where the error points.
    /// </summary>
    public static class FieldSemantics
    {
        /// <summary>
        /// A <c>match</c> (phrase = false) or <c>match_phrase</c> (phrase = true) query, which is what KQL
        /// <c>field:value</c> and <c>field:"value"</c> become on non-keyword fields (Kibana kuery/functions/is.ts);
        /// on <c>keyword</c> fields Kibana sends a <c>term</c> query, which for a keyword field means the same.
        /// </summary>
        public static BoolExpr? Match(BoundField field, string value, bool phrase, Action<DiagnosticDescriptor, string> error)
        {
            switch (field.ValueKind)
            {
                case FieldValueKind.String:
                    // keyword-family fields analyse the query with the keyword analyzer: one term, the whole value.
                    return new StringMatchExpr(new FieldExpr(field), StringMatchKind.Equals, new[] { value }, false);
                case FieldValueKind.Text:
                    return AnalysedMatch(field, StandardAnalyzer.Analyze(value), phrase);
                default:
                    return TermLevelEquals(field, value, error);
            }
        }

        /// <summary>The query-DSL <c>term</c> query: the exact indexed term, not analysed.</summary>
        public static BoolExpr? Term(BoundField field, string value, bool caseInsensitive, Action<DiagnosticDescriptor, string> error)
        {
            switch (field.ValueKind)
            {
                case FieldValueKind.String:
                    return new StringMatchExpr(new FieldExpr(field), StringMatchKind.Equals, new[] { value }, caseInsensitive);
                case FieldValueKind.Text:
                    // The terms of a text field are its tokens: only a value that is itself one analysed token can
                    // equal one (case_insensitive folds the value first).
                    var candidate = caseInsensitive ? StandardAnalyzer.Lowercase(value, 0, value.Length) : value;
                    var tokens = StandardAnalyzer.Analyze(candidate);
                    return tokens.Count == 1 && tokens[0] == candidate
                        ? new TextMatchExpr(field, new[] { candidate }, false)
                        : new ConstantExpr(false);
                default:
                    return TermLevelEquals(field, value, error);
            }
        }

        private static BoolExpr AnalysedMatch(BoundField field, List<string> tokens, bool phrase)
        {
            // No tokens: zero_terms_query defaults to none, nothing matches.
            if (tokens.Count == 0)
            {
                return new ConstantExpr(false);
            }

            if (phrase || tokens.Count == 1)
            {
                return new TextMatchExpr(field, tokens.ToArray(), Phrase: phrase && tokens.Count > 1);
            }

            // match's default operator is OR: any one token is enough.
            var operands = new List<BoolExpr>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var token in tokens)
            {
                if (seen.Add(token))
                {
                    operands.Add(new TextMatchExpr(field, new[] { token }, false));
                }
            }

            return operands.Count == 1 ? operands[0] : new OrExpr(operands.ToArray());
        }

        /// <summary>Exact equality on numbers, booleans, dates and addresses (term semantics of those types).</summary>
        private static BoolExpr? TermLevelEquals(BoundField field, string value, Action<DiagnosticDescriptor, string> error)
        {
            var target = new FieldExpr(field);
            switch (field.ValueKind)
            {
                case FieldValueKind.Integer:
                    if (!TryParseNumber(value, out var number, out var integral, out var exact))
                    {
                        error(DiagnosticIds.InvalidValueForFieldType, NotA(field, value, "an integer"));
                        return null;
                    }

                    // Elasticsearch: a term with a decimal part on an integer field matches nothing.
                    if (!integral)
                    {
                        return new ConstantExpr(false);
                    }

                    if (!exact || !InIntegerRange(field.Type, number))
                    {
                        error(DiagnosticIds.InvalidValueForFieldType, $"'{value}' is out of range for field '{field.Path}' of type {FieldTypes.ToName(field.Type)}; Elasticsearch rejects the query. Use a value the type can hold.");
                        return null;
                    }

                    return new CompareExpr(target, CompareOp.Equal, LiteralExpr.Int((long)number), false);
                case FieldValueKind.Float:
                    if (!TryParseDouble(value, out var real))
                    {
                        error(DiagnosticIds.InvalidValueForFieldType, NotA(field, value, "a number"));
                        return null;
                    }

                    return new CompareExpr(target, CompareOp.Equal, LiteralExpr.Double(real), false);
                case FieldValueKind.Boolean:
                    // Elasticsearch's boolean field accepts true, false and "" (false) as query values.
                    if (value == "true" || value == "false" || value.Length == 0)
                    {
                        return new CompareExpr(target, CompareOp.Equal, LiteralExpr.Bool(value == "true"), false);
                    }

                    error(DiagnosticIds.InvalidValueForFieldType, NotA(field, value, "true or false"));
                    return null;
                case FieldValueKind.Date:
                    var date = ParseDate(field, value, error);
                    return date is null ? null : new CompareExpr(target, CompareOp.Equal, date, false);
                case FieldValueKind.Ip:
                    if (!IpAddressText.TryNormalizeRange(value, out var range))
                    {
                        error(DiagnosticIds.InvalidValueForFieldType, NotA(field, value, "an IP address or CIDR range (10.0.0.1, 10.0.0.0/8, 2001:db8::/32)"));
                        return null;
                    }

                    return new CidrMatchExpr(target, new[] { range });
                default:
                    error(DiagnosticIds.TypeMismatch, $"Field '{field.Path}' is of type {FieldTypes.ToName(field.Type)}, which cannot be compared with a value; test it with 'field:*' (exists) or query one of its sub-fields.");
                    return null;
            }
        }

        /// <summary>
        /// A KQL wildcard value. The detection engine builds its query with no field list (get_query_filter.ts:
        /// <c>fields: []</c>), so Kibana's is.ts sends a <c>query_string</c> query whatever the field type: the
        /// pattern is split into terms at whitespace (OR; Kibana escapes <c>?</c> and the other reserved characters
        /// but not whitespace), keyword-family terms match the whole value case-sensitively, text-field terms are
        /// lowercased and match single tokens, a lone <c>*</c> term is an exists query.
        /// </summary>
        public static BoolExpr? KqlWildcard(BoundField field, GlobPattern pattern, Action<DiagnosticDescriptor, string> error)
        {
            var terms = pattern.SplitOnQueryStringWhitespace();
            var operands = new List<BoolExpr>();
            foreach (var term in terms)
            {
                var literal = term.HasWildcards ? null : term.LiteralText;
                if (literal == "AND" || literal == "OR" || literal == "NOT" || literal == "&&" || literal == "||" || literal == "!")
                {
                    // An escaped keyword (\OR) reaches query_string unescaped and becomes one of its operators.
                    error(DiagnosticIds.UnsupportedFeature, $"The wildcard value contains '{literal}', which Elasticsearch's query_string reads as an operator; this compiler does not model that. Quote the value or split it into separate KQL terms.");
                    return null;
                }

                BoolExpr? lowered;
                if (term.IsLoneAnyRun)
                {
                    // query_string turns field:* into an exists query.
                    lowered = new ExistsExpr(field);
                }
                else if (!term.HasWildcards)
                {
                    lowered = field.ValueKind == FieldValueKind.Text
                        ? AnalysedMatch(field, StandardAnalyzer.Analyze(term.LiteralText), phrase: false)
                        : Match(field, term.LiteralText, false, error);
                }
                else
                {
                    lowered = WildcardQuery(field, term, caseInsensitive: false, normalize: true, error);
                }

                if (lowered is null)
                {
                    return null;
                }

                operands.Add(lowered);
            }

            if (operands.Count == 0)
            {
                // A pattern of whitespace only: query_string has no clause and matches nothing.
                return new ConstantExpr(false);
            }

            return operands.Count == 1 ? operands[0] : new OrExpr(operands.ToArray());
        }

        /// <summary>
        /// A wildcard query on one field: whole value for keyword-family fields, per token for text fields
        /// (lowercased first when <paramref name="normalize"/>, as query_string does; the query-DSL wildcard query
        /// matches the pattern as written unless case_insensitive).
        /// </summary>
        public static BoolExpr? WildcardQuery(BoundField field, GlobPattern pattern, bool caseInsensitive, bool normalize, Action<DiagnosticDescriptor, string> error)
        {
            switch (field.ValueKind)
            {
                case FieldValueKind.String:
                    return pattern.ToStringMatch(new FieldExpr(field), caseInsensitive);
                case FieldValueKind.Text:
                    var glob = pattern.ToGlob(lowercase: normalize || caseInsensitive);
                    if (glob is null)
                    {
                        // A literal '*' or '?' never occurs inside a token.
                        return new ConstantExpr(false);
                    }

                    var unlowered = pattern.ToGlob(lowercase: false)!;
                    if (!normalize && !caseInsensitive && !string.Equals(glob, StandardAnalyzer.Lowercase(unlowered, 0, unlowered.Length), StringComparison.Ordinal))
                    {
                        // Upper-case letters in a case-sensitive pattern never match a (lowercase) token.
                        return new ConstantExpr(false);
                    }

                    return new TextTokenWildcardExpr(field, new[] { glob });
                default:
                    error(DiagnosticIds.InvalidValueForFieldType, $"Wildcards cannot be used on field '{field.Path}' of type {FieldTypes.ToName(field.Type)}; Elasticsearch rejects the query. Use an exact value or a range.");
                    return null;
            }
        }

        /// <summary>A range query bound (<c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c>) on one field.</summary>
        public static BoolExpr? Range(BoundField field, CompareOp op, string value, Action<DiagnosticDescriptor, string> error)
        {
            var target = new FieldExpr(field);
            switch (field.ValueKind)
            {
                case FieldValueKind.Integer:
                    if (!TryParseNumber(value, out var number, out var integral, out _))
                    {
                        error(DiagnosticIds.InvalidValueForFieldType, NotA(field, value, "a number"));
                        return null;
                    }

                    if (!integral)
                    {
                        // Elasticsearch (NumberFieldMapper.LONG.rangeQuery) rounds a decimal bound inward: a lower
                        // bound up, an upper bound down, both then inclusive.
                        var lower = op == CompareOp.Greater || op == CompareOp.GreaterOrEqual;
                        var rounded = lower ? Math.Ceiling(number) : Math.Floor(number);
                        op = lower ? CompareOp.GreaterOrEqual : CompareOp.LessOrEqual;
                        number = rounded;
                    }

                    if (number >= 9.2233720368547758E18 || number < -9.2233720368547758E18)
                    {
                        var above = number > 0;
                        var lowerBound = op == CompareOp.Greater || op == CompareOp.GreaterOrEqual;
                        return new ConstantExpr(above != lowerBound);
                    }

                    return new CompareExpr(target, op, LiteralExpr.Int((long)number), false);
                case FieldValueKind.Float:
                    if (!TryParseDouble(value, out var real))
                    {
                        error(DiagnosticIds.InvalidValueForFieldType, NotA(field, value, "a number"));
                        return null;
                    }

                    return new CompareExpr(target, op, LiteralExpr.Double(real), false);
                case FieldValueKind.Date:
                    var date = ParseDate(field, value, error);
                    return date is null ? null : new CompareExpr(target, op, date, false);
                case FieldValueKind.String when field.Type != FieldType.Version:
                    // keyword ranges compare terms as UTF-8 bytes; ordinal UTF-16 order agrees outside surrogates.
                    return new CompareExpr(target, op, LiteralExpr.String(value), false);
                default:
                    error(DiagnosticIds.UnsupportedFeature, $"A range on field '{field.Path}' of type {FieldTypes.ToName(field.Type)} is not supported by this compiler; compare a numeric, date or keyword field instead.");
                    return null;
            }
        }

        private static string NotA(BoundField field, string value, string expected) =>
            $"'{value}' is not a valid value for field '{field.Path}' of type {FieldTypes.ToName(field.Type)}; Elasticsearch rejects this query. Use {expected}.";

        /// <summary>Parses a number the way Java's Long/Double parsing accepts it; integral tells whether it has no fractional part.</summary>
        internal static bool TryParseNumber(string text, out double value, out bool integral, out bool exact)
        {
            var trimmed = text.Trim();
            if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            {
                value = whole;
                integral = true;
                exact = true;
                return true;
            }

            if (TryParseDouble(trimmed, out value) && !double.IsNaN(value) && !double.IsInfinity(value))
            {
                integral = Math.Floor(value) == value;
                exact = integral && value >= -9.2233720368547758E18 && value < 9.2233720368547758E18;
                return true;
            }

            integral = false;
            exact = false;
            return false;
        }

        internal static bool TryParseDouble(string text, out double value) =>
            double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

        private static bool InIntegerRange(FieldType type, double number) => type switch
        {
            FieldType.Byte => number >= sbyte.MinValue && number <= sbyte.MaxValue,
            FieldType.Short => number >= short.MinValue && number <= short.MaxValue,
            FieldType.Integer => number >= int.MinValue && number <= int.MaxValue,
            FieldType.UnsignedLong => number >= 0,
            _ => true,
        };

        private static readonly string[] DateFormats =
        {
            "yyyy-MM-dd'T'HH:mm:ssK",
            "yyyy-MM-dd'T'HH:mm:ss.FFFK",
            "yyyy-MM-dd'T'HH:mm:ss",
            "yyyy-MM-dd'T'HH:mm:ss.FFF",
        };

        private static readonly System.Text.RegularExpressions.Regex SubMillisecond =
            new System.Text.RegularExpressions.Regex(@"T\d\d:\d\d:\d\d\.\d{4,}", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>
        /// A date query value: epoch milliseconds or an ISO 8601 date-time to the second (optional milliseconds and
        /// zone; no zone means UTC, the detection engine's dateFormatTZ). Partial dates (rounded differently per
        /// bound by Elasticsearch) and date math (<c>now-1d</c>, <c>||</c>) are reported unsupported.
        /// The literal carries the instant as Unix milliseconds (Integer) and ISO 8601 UTC text (Text).
        /// </summary>
        internal static LiteralExpr? ParseDate(BoundField field, string value, Action<DiagnosticDescriptor, string> error)
        {
            var text = value.Trim();
            if (text.StartsWith("now", StringComparison.Ordinal) || text.Contains("||"))
            {
                error(DiagnosticIds.UnsupportedFeature, $"Date math ('{value}') is not supported: a compiled rule has no search time to resolve it against. Compare '{field.Path}' with an absolute date-time such as 2024-01-31T00:00:00Z.");
                return null;
            }

            if (SubMillisecond.IsMatch(text))
            {
                error(DiagnosticIds.UnsupportedFeature, $"'{value}' has sub-millisecond precision, which this compiler does not model; round it to milliseconds.");
                return null;
            }

            DateTimeOffset instant;
            if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] == '-') && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var millis))
            {
                if (millis < -62135596800000L || millis > 253402300799999L)
                {
                    error(DiagnosticIds.InvalidValueForFieldType, $"'{value}' is out of the supported date range for field '{field.Path}'.");
                    return null;
                }

                instant = DateTimeOffset.FromUnixTimeMilliseconds(millis);
            }
            else if (!DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant))
            {
                if (DateTimeOffset.TryParseExact(text, new[] { "yyyy", "yyyy-MM", "yyyy-MM-dd", "yyyy-MM-dd'T'HH", "yyyy-MM-dd'T'HH:mm" }, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                {
                    error(DiagnosticIds.UnsupportedFeature, $"The partial date '{value}' is not supported (Elasticsearch fills its missing parts differently for each bound); write the full date-time, such as 2024-01-31T00:00:00Z.");
                    return null;
                }

                error(DiagnosticIds.InvalidValueForFieldType, NotA(field, value, "an ISO 8601 date-time (2024-01-31T12:00:00Z) or epoch milliseconds"));
                return null;
            }

            var utc = instant.ToUniversalTime();
            return new LiteralExpr(IrType.Date, utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), utc.ToUnixTimeMilliseconds(), 0, false);
        }
    }
}
