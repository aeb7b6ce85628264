using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rules.Language.Ir;
using Rules.Language.Schema;
using Rules.Runtime.Matching;

namespace Rules.Tests.Eql;

/// <summary>
/// A plain reference interpreter of the IR over JSON events, for checking the EQL lowering against
/// Elasticsearch's expected results. Not the product's matcher (the emitter generates that); it follows the IR
/// contract literally: conditions on a field hold when any value satisfies them.
/// </summary>
internal sealed class IrEvaluator
{
    private readonly IReadOnlyDictionary<string, string> _aliases;
    private readonly Dictionary<string, Regex> _regexes = new(StringComparer.Ordinal);

    public IrEvaluator(IReadOnlyDictionary<string, string> aliases) => _aliases = aliases;

    public bool Matches(EventQueryPlan plan, JsonElement @event) =>
        plan.Categories.All(category => Values(@event, "event.category").Any(v => v.ValueKind == JsonValueKind.String && v.GetString() == category))
        && Evaluate(plan.Condition, @event);

    public bool Evaluate(BoolExpr expr, JsonElement e) => expr switch
    {
        ConstantExpr c => c.Value,
        AndExpr and => and.Operands.All(o => Evaluate(o, e)),
        OrExpr or => or.Operands.Any(o => Evaluate(o, e)),
        NotExpr not => !Evaluate(not.Operand, e),
        ExistsExpr exists => Values(e, exists.Field.Path).Any(),
        NotNullExpr notNull => Value(notNull.Value, e).Any(),
        ValueIsTrueExpr isTrue => Value(isTrue.Value, e).Any(v => v is true),
        StringMatchExpr match => Value(match.Target, e).Select(AsString).Any(v => v != null && match.Patterns.Any(p => StringMatches(match, p, v))),
        CompareExpr compare => Value(compare.Left, e).Any(l => Value(compare.Right, e).Any(r => CompareHolds(compare.Op, l, r))),
        CidrMatchExpr cidr => Value(cidr.Target, e).Select(AsString).Any(v => v != null && EqlFunctions.CidrMatch(v, cidr.Ranges.ToArray()) == true),
        _ => throw new NotSupportedException(expr.GetType().Name),
    };

    private bool StringMatches(StringMatchExpr match, string pattern, string value)
    {
        var comparison = match.CaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        switch (match.Kind)
        {
            case StringMatchKind.Equals: return string.Equals(value, pattern, comparison);
            case StringMatchKind.StartsWith: return value.StartsWith(pattern, comparison);
            case StringMatchKind.EndsWith: return value.EndsWith(pattern, comparison);
            case StringMatchKind.Contains: return value.Contains(pattern, comparison);
            case StringMatchKind.Wildcard: return Glob.IsMatch(pattern, value, match.CaseInsensitive);
            default:
                var key = (match.CaseInsensitive ? "i:" : "s:") + pattern;
                if (!_regexes.TryGetValue(key, out var regex))
                {
                    regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | (match.CaseInsensitive ? RegexOptions.IgnoreCase : RegexOptions.None));
                    _regexes[key] = regex;
                }

                return regex.IsMatch(value);
        }
    }

    private static bool CompareHolds(CompareOp op, object? left, object? right)
    {
        if (left is null || right is null)
        {
            return false;
        }

        int order;
        if (IsNumber(left) && IsNumber(right))
        {
            order = Convert.ToDouble(left, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right, CultureInfo.InvariantCulture));
        }
        else if (left is string ls && right is string rs)
        {
            order = string.CompareOrdinal(ls, rs);
        }
        else if (left is bool lb && right is bool rb)
        {
            order = lb == rb ? 0 : lb ? 1 : -1;
        }
        else
        {
            return false;
        }

        return op switch
        {
            CompareOp.Equal => order == 0,
            CompareOp.NotEqual => order != 0,
            CompareOp.Less => order < 0,
            CompareOp.LessOrEqual => order <= 0,
            CompareOp.Greater => order > 0,
            _ => order >= 0,
        };
    }

    private static bool IsNumber(object value) => value is long || value is double;

    private static string? AsString(object? value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => null,
    };

    /// <summary>The values of a value expression: every value of a field, one value (or none for null) otherwise.</summary>
    private IEnumerable<object?> Value(ValueExpr value, JsonElement e)
    {
        switch (value)
        {
            case FieldExpr field:
                return Values(e, field.Field.Path).Select(v => Scalar(v, field.Type)).Where(v => v != null);
            case LiteralExpr literal:
                object? constant = literal.Type switch
                {
                    IrType.String or IrType.Ip or IrType.Date => literal.Text,
                    IrType.Integer => literal.Integer,
                    IrType.Float => literal.Float,
                    IrType.Boolean => literal.Boolean,
                    _ => null,
                };
                return constant is null ? Array.Empty<object?>() : new[] { constant };
            default:
                var single = Single(value, e);
                return single is null ? Array.Empty<object?>() : new[] { single };
        }
    }

    private object? First(ValueExpr value, JsonElement e) => Value(value, e).FirstOrDefault();

    private object? Single(ValueExpr value, JsonElement e)
    {
        switch (value)
        {
            case ArithmeticExpr arithmetic:
            {
                var left = First(arithmetic.Left, e);
                var right = arithmetic.Right is null ? null : First(arithmetic.Right, e);
                if (left is null || (arithmetic.Right != null && right is null))
                {
                    return null;
                }

                if (arithmetic.Type == IrType.Integer)
                {
                    long a = Convert.ToInt64(left, CultureInfo.InvariantCulture), b = right is null ? 0 : Convert.ToInt64(right, CultureInfo.InvariantCulture);
                    return arithmetic.Op switch
                    {
                        ArithmeticOp.Add => EqlFunctions.Add(a, b),
                        ArithmeticOp.Subtract => EqlFunctions.Subtract(a, b),
                        ArithmeticOp.Multiply => EqlFunctions.Multiply(a, b),
                        ArithmeticOp.Divide => EqlFunctions.Divide(a, b),
                        ArithmeticOp.Modulo => EqlFunctions.Modulo(a, b),
                        _ => -a,
                    };
                }

                double x = Convert.ToDouble(left, CultureInfo.InvariantCulture), y = right is null ? 0 : Convert.ToDouble(right, CultureInfo.InvariantCulture);
                return arithmetic.Op switch
                {
                    ArithmeticOp.Add => EqlFunctions.Add(x, y),
                    ArithmeticOp.Subtract => EqlFunctions.Subtract(x, y),
                    ArithmeticOp.Multiply => EqlFunctions.Multiply(x, y),
                    ArithmeticOp.Divide => EqlFunctions.Divide(x, y),
                    ArithmeticOp.Modulo => EqlFunctions.Modulo(x, y),
                    _ => -x,
                };
            }

            case CallExpr call:
                return Call(call, call.Arguments.Select(a => First(a, e)).ToArray());
            default:
                throw new NotSupportedException(value.GetType().Name);
        }
    }

    private static object? Call(CallExpr call, object?[] a)
    {
        string? S(int i) => i < a.Length ? AsString(a[i]) : null;
        long? L(int i) => i < a.Length && a[i] is not null ? Convert.ToInt64(a[i], CultureInfo.InvariantCulture) : null;
        double? D(int i) => i < a.Length && a[i] is not null ? Convert.ToDouble(a[i], CultureInfo.InvariantCulture) : null;
        var integers = call.Type == IrType.Integer;
        var ci = call.CaseInsensitive;
        return call.Function switch
        {
            "add" => integers ? EqlFunctions.Add(L(0), L(1)) : EqlFunctions.Add(D(0), D(1)),
            "subtract" => integers ? EqlFunctions.Subtract(L(0), L(1)) : EqlFunctions.Subtract(D(0), D(1)),
            "multiply" => integers ? EqlFunctions.Multiply(L(0), L(1)) : EqlFunctions.Multiply(D(0), D(1)),
            "divide" => integers ? EqlFunctions.Divide(L(0), L(1)) : EqlFunctions.Divide(D(0), D(1)),
            "modulo" => integers ? EqlFunctions.Modulo(L(0), L(1)) : EqlFunctions.Modulo(D(0), D(1)),
            "between" => ci ? EqlFunctions.BetweenInsensitive(S(0), S(1), S(2), a.Length > 3 ? (bool?)a[3] : false) : EqlFunctions.Between(S(0), S(1), S(2), a.Length > 3 ? (bool?)a[3] : false),
            "cidrMatch" => EqlFunctions.CidrMatch(S(0), a.Skip(1).Select(AsString).ToArray()),
            "concat" => EqlFunctions.Concat(a.Select(AsString).ToArray()),
            "endsWith" => ci ? EqlFunctions.EndsWithInsensitive(S(0), S(1)) : EqlFunctions.EndsWith(S(0), S(1)),
            "startsWith" => ci ? EqlFunctions.StartsWithInsensitive(S(0), S(1)) : EqlFunctions.StartsWith(S(0), S(1)),
            "stringContains" => ci ? EqlFunctions.StringContainsInsensitive(S(0), S(1)) : EqlFunctions.StringContains(S(0), S(1)),
            "indexOf" => a.Length > 2
                ? (ci ? EqlFunctions.IndexOfInsensitive(S(0), S(1), L(2)) : EqlFunctions.IndexOf(S(0), S(1), L(2)))
                : (ci ? EqlFunctions.IndexOfInsensitive(S(0), S(1)) : EqlFunctions.IndexOf(S(0), S(1))),
            "length" => EqlFunctions.Length(S(0)),
            "number" => EqlFunctions.Number(S(0), L(1)),
            "string" => S(0),
            "substring" => a.Length > 2 ? EqlFunctions.Substring(S(0), L(1), L(2)) : EqlFunctions.Substring(S(0), L(1)),
            _ => throw new NotSupportedException(call.Function),
        };
    }

    private static object? Scalar(JsonElement value, IrType type)
    {
        switch (type)
        {
            case IrType.Integer:
                if (value.ValueKind == JsonValueKind.Number)
                {
                    return value.TryGetInt64(out var l) ? l : (long)value.GetDouble();
                }

                return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), out var parsed) ? parsed : null;
            case IrType.Float:
                if (value.ValueKind == JsonValueKind.Number)
                {
                    return value.GetDouble();
                }

                return value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
            case IrType.Boolean:
                return value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.String => value.GetString() == "true" ? true : value.GetString() == "false" ? false : null,
                    _ => null,
                };
            default:
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => null,
                };
        }
    }

    /// <summary>The non-null values at a dotted path (nested objects or flat keys; arrays flattened).</summary>
    public IEnumerable<JsonElement> Values(JsonElement e, string path)
    {
        if (_aliases.TryGetValue(path, out var target))
        {
            path = target;
        }

        var results = new List<JsonElement>();
        Collect(e, path, results);
        return results;
    }

    private static void Collect(JsonElement e, string path, List<JsonElement> results)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                Collect(item, path, results);
            }

            return;
        }

        if (path.Length == 0)
        {
            if (e.ValueKind != JsonValueKind.Null && e.ValueKind != JsonValueKind.Undefined)
            {
                results.Add(e);
            }

            return;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (e.TryGetProperty(path, out var flat))
        {
            Collect(flat, string.Empty, results);
            return;
        }

        var dot = path.IndexOf('.');
        while (dot > 0)
        {
            if (e.TryGetProperty(path[..dot], out var child))
            {
                Collect(child, path[(dot + 1)..], results);
            }

            dot = path.IndexOf('.', dot + 1);
        }
    }
}
