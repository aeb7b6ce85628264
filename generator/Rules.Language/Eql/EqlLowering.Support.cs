using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;
using Rules.Language.Ir;
using Rules.Language.Schema;
using Rules.Language.Text;

namespace Rules.Language.Eql
{
    internal sealed partial class EqlLowering
    {
        // ---------------------------------------------------------------- typing helpers

        /// <summary>
        /// A constant compared with a field takes the field's type, as Elasticsearch's term and range queries parse
        /// their value with the field's mapping: a number against a keyword field is its text ("123"), a string
        /// against a numeric, boolean, date or ip field is parsed (and rejected here, with DR6003, when it cannot be).
        /// Constants compared with computed values are not converted (a mismatch is DR6002).
        /// </summary>
        private ValueExpr? CoerceLiteral(ValueExpr target, ValueExpr value, SourceSpan valueSpan, SourceSpan targetSpan)
        {
            if (target is not FieldExpr || value is not LiteralExpr constant)
            {
                return value;
            }

            if (target.Type == IrType.String && (constant.Type == IrType.Integer || constant.Type == IrType.Float))
            {
                return LiteralExpr.String(constant.Type == IrType.Integer
                    ? constant.Integer.ToString(CultureInfo.InvariantCulture)
                    : constant.Float.ToString("R", CultureInfo.InvariantCulture));
            }

            if (target.Type == IrType.Date && (constant.Type == IrType.Integer || constant.Type == IrType.Float))
            {
                // A number against a date field is epoch milliseconds (the date field's default format
                // strict_date_optional_time||epoch_millis); held as an ISO-8601 date constant like any other.
                var milliseconds = constant.Type == IrType.Integer ? constant.Integer : (long)Math.Floor(constant.Float);
                if (milliseconds < -62135596800000L || milliseconds > 253402300799999L)
                {
                    Report(DiagnosticIds.InvalidValueForFieldType, valueSpan, $"{milliseconds} is outside the range of dates (years 1 to 9999) as epoch milliseconds for '{Text(targetSpan)}'.");
                    return null;
                }

                var date = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
                return new LiteralExpr(IrType.Date, date.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), 0, 0, false);
            }

            if (target.Type == IrType.String && constant.Type == IrType.Boolean)
            {
                return LiteralExpr.String(constant.Boolean ? "true" : "false");
            }

            if (constant.Type != IrType.String)
            {
                return value;
            }

            var literal = constant;
            if (target.Type == IrType.Integer || target.Type == IrType.Float)
            {
                if (long.TryParse(literal.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return LiteralExpr.Int(integer);
                }

                if (double.TryParse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !double.IsInfinity(real))
                {
                    return LiteralExpr.Double(real);
                }

                Report(DiagnosticIds.InvalidValueForFieldType, valueSpan, $"'{literal.Text}' is not a number, but '{Text(targetSpan)}' is a numeric field. Compare it with a number.");
                return null;
            }

            if (target.Type == IrType.Boolean)
            {
                if (literal.Text == "true" || literal.Text == "false")
                {
                    return LiteralExpr.Bool(literal.Text == "true");
                }

                Report(DiagnosticIds.InvalidValueForFieldType, valueSpan, $"'{literal.Text}' is not a boolean, but '{Text(targetSpan)}' is a boolean field. Compare it with true or false.");
                return null;
            }

            if (target.Type == IrType.Date)
            {
                if (!DateTimeOffset.TryParse(literal.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _))
                {
                    Report(DiagnosticIds.InvalidValueForFieldType, valueSpan, $"'{literal.Text}' is not a date: '{Text(targetSpan)}' is a date field; write an ISO-8601 date such as \"2024-01-31T12:00:00Z\".");
                    return null;
                }

                return new LiteralExpr(IrType.Date, literal.Text, 0, 0, false);
            }

            if (target.Type == IrType.Ip)
            {
                if (!IsStrictAddress(literal.Text!))
                {
                    Report(DiagnosticIds.InvalidValueForFieldType, valueSpan, $"'{literal.Text}' is not an IP address: '{Text(targetSpan)}' is an ip field. Use cidrMatch({Text(targetSpan)}, \"...\") for ranges.");
                    return null;
                }

                return new LiteralExpr(IrType.Ip, literal.Text, 0, 0, false);
            }

            return value;
        }

        private bool CheckComparable(ValueExpr left, ValueExpr right, EqlComparison? comparison, SourceSpan span = default)
        {
            var l = left.Type;
            var r = right.Type;
            var ok = l == r
                || (IsNumeric(l) && IsNumeric(r))
                || (l == IrType.Date && r == IrType.Date);
            if (l == IrType.Other || r == IrType.Other)
            {
                ok = false;
            }

            if (ok)
            {
                return true;
            }

            var where = comparison?.Span ?? span;
            Report(DiagnosticIds.TypeMismatch, where, $"Cannot compare [{Describe(l)}] with [{Describe(r)}] in '{Text(where)}': both sides must be strings, numbers, booleans, dates or ip addresses of the same kind. Quote a string or remove the quotes from a number.");
            return false;
        }

        private static bool IsNumeric(IrType type) => type == IrType.Integer || type == IrType.Float;

        private static bool ContainsField(ValueExpr value) => value switch
        {
            FieldExpr => true,
            CallExpr call => call.Arguments.Any(ContainsField),
            ArithmeticExpr arithmetic => ContainsField(arithmetic.Left) || (arithmetic.Right != null && ContainsField(arithmetic.Right)),
            _ => false,
        };

        /// <summary>Holds when the value is not null.</summary>
        private static BoolExpr Presence(ValueExpr value) => value switch
        {
            FieldExpr field => new ExistsExpr(field.Field),
            LiteralExpr literal => literal.Type == IrType.Null ? False : True,
            _ => new NotNullExpr(value),
        };

        /// <summary>An IPv4 dotted quad or an IPv6 address, as Elasticsearch's InetAddresses accepts them
        /// (.NET's parser also takes shorthand such as "10.0.0" or "1", which Elasticsearch rejects).</summary>
        internal static bool IsStrictAddress(string text)
        {
            if (text.IndexOf(':') >= 0)
            {
                return text.IndexOf('%') < 0 && text.IndexOf('/') < 0 && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            }

            var parts = text.Split('.');
            if (parts.Length != 4)
            {
                return false;
            }

            foreach (var part in parts)
            {
                if (part.Length == 0 || part.Length > 3 || !part.All(c => c >= '0' && c <= '9') || int.Parse(part, CultureInfo.InvariantCulture) > 255)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsValidCidr(string text)
        {
            var slash = text.IndexOf('/');
            var address = slash < 0 ? text : text.Substring(0, slash);
            if (!IsStrictAddress(address) || !IPAddress.TryParse(address, out var ip))
            {
                return false;
            }

            if (slash < 0)
            {
                return true;
            }

            var maxBits = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
            return int.TryParse(text.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits) && bits >= 0 && bits <= maxBits;
        }

        private static EqlCompareOp Flip(EqlCompareOp op) => op switch
        {
            EqlCompareOp.Less => EqlCompareOp.Greater,
            EqlCompareOp.LessOrEqual => EqlCompareOp.GreaterOrEqual,
            EqlCompareOp.Greater => EqlCompareOp.Less,
            EqlCompareOp.GreaterOrEqual => EqlCompareOp.LessOrEqual,
            _ => op,
        };

        private static CompareOp ToIr(EqlCompareOp op) => op switch
        {
            EqlCompareOp.Equal => CompareOp.Equal,
            EqlCompareOp.NotEqual => CompareOp.NotEqual,
            EqlCompareOp.Less => CompareOp.Less,
            EqlCompareOp.LessOrEqual => CompareOp.LessOrEqual,
            EqlCompareOp.Greater => CompareOp.Greater,
            _ => CompareOp.GreaterOrEqual,
        };

        private static string Describe(IrType type) => type switch
        {
            IrType.String => "string",
            IrType.Integer => "integer",
            IrType.Float => "float",
            IrType.Boolean => "boolean",
            IrType.Date => "date",
            IrType.Ip => "ip",
            IrType.Null => "null",
            _ => "object",
        };

        private static EquatableArray<string> Distinct(List<string> values, bool caseInsensitive) =>
            values.Distinct(caseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal).ToArray();

        // ---------------------------------------------------------------- boolean simplification

        private static BoolExpr Not(BoolExpr operand) => operand switch
        {
            ConstantExpr constant => constant.Value ? False : True,
            NotExpr not => not.Operand,
            _ => new NotExpr(operand),
        };

        private static BoolExpr And(params BoolExpr[] operands)
        {
            var flat = new List<BoolExpr>();
            foreach (var operand in operands)
            {
                if (operand is ConstantExpr constant)
                {
                    if (!constant.Value)
                    {
                        return False;
                    }

                    continue;
                }

                if (operand is AndExpr and)
                {
                    flat.AddRange(and.Operands);
                }
                else if (flat.Count > 64 || !flat.Contains(operand))
                {
                    flat.Add(operand);
                }
            }

            // "x and not x" (e.g. the false side of 'f : "*"') never holds.
            if (flat.Count <= 64 && flat.Any(o => o is NotExpr not && flat.Contains(not.Operand)))
            {
                return False;
            }

            return flat.Count switch
            {
                0 => True,
                1 => flat[0],
                _ => new AndExpr(flat.ToArray()),
            };
        }

        private static BoolExpr Or(params BoolExpr[] operands)
        {
            var flat = new List<BoolExpr>();
            foreach (var operand in operands)
            {
                if (operand is ConstantExpr constant)
                {
                    if (constant.Value)
                    {
                        return True;
                    }

                    continue;
                }

                if (operand is OrExpr or)
                {
                    flat.AddRange(or.Operands);
                }
                else if (flat.Count > 64 || !flat.Contains(operand))
                {
                    flat.Add(operand);
                }
            }

            return flat.Count switch
            {
                0 => False,
                1 => flat[0],
                _ => new OrExpr(flat.ToArray()),
            };
        }

        // ---------------------------------------------------------------- diagnostics

        private QueryPlan? Unsupported(SourceSpan span, string message)
        {
            Report(DiagnosticIds.UnsupportedFeature, span, message);
            return null;
        }

        private void Report(DiagnosticDescriptor descriptor, SourceSpan span, string message) =>
            _diagnostics.Add(_source.Error(descriptor, span.Start, Math.Max(1, span.Length), message));

        private string Text(SourceSpan span)
        {
            var query = _source.Query;
            var start = Math.Min(Math.Max(0, span.Start), query.Length);
            var length = Math.Min(span.Length, query.Length - start);
            var text = query.Substring(start, length);
            return text.Length > 60 ? text.Substring(0, 57) + "..." : text;
        }
    }
}
