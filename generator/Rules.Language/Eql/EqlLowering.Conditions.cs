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
        // ---------------------------------------------------------------- conditions

        private Tri? LowerBool(EqlExpr expr)
        {
            switch (expr)
            {
                case EqlLiteral { Kind: EqlLiteralKind.Boolean } literal:
                    return literal.Boolean ? new Tri(True, False) : new Tri(False, True);
                case EqlLiteral { Kind: EqlLiteralKind.Null }:
                    return AlwaysNull;
                case EqlNot not:
                    return LowerBool(not.Operand)?.Negate();
                case EqlLogical logical:
                {
                    // A chain "a or b or c ..." is a left-deep tree; walk its spine iteratively so that long chains
                    // do not recurse once per operand.
                    var operands = new List<EqlExpr>();
                    EqlExpr node = logical;
                    while (node is EqlLogical chain && chain.Op == logical.Op)
                    {
                        operands.Add(chain.Right);
                        node = chain.Left;
                    }

                    operands.Add(node);
                    operands.Reverse();
                    var whenTrue = new List<BoolExpr>();
                    var whenFalse = new List<BoolExpr>();
                    var ok = true;
                    foreach (var operand in operands)
                    {
                        var lowered = LowerBool(operand);
                        if (lowered is null)
                        {
                            ok = false;
                            continue;
                        }

                        whenTrue.Add(lowered.Value.WhenTrue);
                        whenFalse.Add(lowered.Value.WhenFalse);
                    }

                    if (!ok)
                    {
                        return null;
                    }

                    return logical.Op == EqlLogicOp.And
                        ? new Tri(And(whenTrue.ToArray()), Or(whenFalse.ToArray()))
                        : new Tri(Or(whenTrue.ToArray()), And(whenFalse.ToArray()));
                }

                case EqlComparison comparison:
                    return LowerComparison(comparison);
                case EqlIn inList:
                    return LowerIn(inList);
                case EqlPatternMatch pattern:
                    return LowerPattern(pattern);
                case EqlCall call:
                    return LowerCallCondition(call);
                case EqlProcessRelationship relationship:
                    Unsupported(relationship.Span, $"Process relationships ('{relationship.Relationship} of [...]') are not supported (Elasticsearch rejects them too). Use a sequence joined on process.entity_id instead.");
                    return null;
                default:
                {
                    var value = LowerValue(expr);
                    if (value is null)
                    {
                        return null;
                    }

                    if (value.Type == IrType.Null)
                    {
                        return AlwaysNull;
                    }

                    if (value.Type != IrType.Boolean)
                    {
                        Report(DiagnosticIds.TypeMismatch, expr.Span, $"Condition expression needs to be boolean, found [{Describe(value.Type)}]. Compare it with a value, e.g. '{Text(expr.Span)} == ...'.");
                        return null;
                    }

                    return BooleanValueCondition(value);
                }
            }
        }

        private static Tri BooleanValueCondition(ValueExpr value)
        {
            if (value is FieldExpr field)
            {
                var isTrue = new CompareExpr(value, CompareOp.Equal, LiteralExpr.Bool(true), false);
                return new Tri(isTrue, And(new ExistsExpr(field.Field), new NotExpr(isTrue)));
            }

            return new Tri(new ValueIsTrueExpr(value), new CompareExpr(value, CompareOp.Equal, LiteralExpr.Bool(false), false));
        }

        private bool IsConditionSyntax(EqlExpr expr) =>
            expr is EqlNot || expr is EqlLogical || expr is EqlComparison || expr is EqlIn || expr is EqlPatternMatch || expr is EqlProcessRelationship;

        private Tri? LowerComparison(EqlComparison comparison)
        {
            var left = comparison.Left;
            var right = comparison.Right;
            var leftIsNull = IsNullValue(left);
            var rightIsNull = IsNullValue(right);

            if (leftIsNull || rightIsNull)
            {
                // Elasticsearch rewrites 'x == null' to IsNull(x) and 'x != null' to IsNotNull(x) (docs: "Check if a
                // field exists"); any other comparison with null is null.
                var other = leftIsNull ? right : left;
                if (comparison.Op != EqlCompareOp.Equal && comparison.Op != EqlCompareOp.NotEqual)
                {
                    return leftIsNull && rightIsNull ? AlwaysNull : LowerValueOrCondition(other) is null ? (Tri?)null : AlwaysNull;
                }

                Tri? isNull;
                if (leftIsNull && rightIsNull)
                {
                    isNull = new Tri(True, False);
                }
                else if (IsConditionSyntax(other))
                {
                    var inner = LowerBool(other);
                    isNull = inner is null ? (Tri?)null : IsNullCondition(inner.Value);
                }
                else
                {
                    var value = LowerValue(other);
                    if (value is null)
                    {
                        return null;
                    }

                    var present = Presence(value);
                    isNull = new Tri(Not(present), present);
                }

                return comparison.Op == EqlCompareOp.Equal ? isNull : isNull?.Negate();
            }

            if (IsConditionSyntax(left) || IsConditionSyntax(right))
            {
                return LowerConditionComparison(comparison);
            }

            var leftValue = LowerValue(left);
            var rightValue = LowerValue(right);
            if (leftValue is null || rightValue is null)
            {
                return null;
            }

            var op = comparison.Op;
            // Keep the field (or the non-constant side) on the left: "-1 < exit_code" is "exit_code > -1".
            if (leftValue is LiteralExpr && rightValue is not LiteralExpr)
            {
                (leftValue, rightValue) = (rightValue, leftValue);
                op = Flip(op);
            }

            if (ContainsField(leftValue) && ContainsField(rightValue))
            {
                Unsupported(comparison.Span, "Comparing a field with another field is not supported (Elasticsearch rejects it: 'Comparisons against fields are not (currently) supported'). Compare each field with a constant.");
                return null;
            }

            rightValue = CoerceLiteral(leftValue, rightValue, comparison.Right.Span, comparison.Left.Span);
            if (rightValue is null)
            {
                return null;
            }

            if (!CheckComparable(leftValue, rightValue, comparison))
            {
                return null;
            }

            var presence = And(Presence(leftValue), Presence(rightValue));
            BoolExpr equal;
            if (leftValue.Type == IrType.String && rightValue is LiteralExpr { Type: IrType.String } text)
            {
                equal = new StringMatchExpr(leftValue, StringMatchKind.Equals, new[] { text.Text! }, false);
            }
            else if (leftValue.Type == IrType.Ip && rightValue is LiteralExpr { Type: IrType.Ip } address)
            {
                equal = new CidrMatchExpr(leftValue, new[] { address.Text! });
            }
            else
            {
                equal = new CompareExpr(leftValue, CompareOp.Equal, rightValue, false);
            }

            switch (op)
            {
                case EqlCompareOp.Equal:
                    return new Tri(equal, And(presence, Not(equal)));
                case EqlCompareOp.NotEqual:
                    // Not "any value differs": Elasticsearch's != is the negation of ==, so an array field is
                    // unequal only when no value equals.
                    return new Tri(And(presence, Not(equal)), equal);
                default:
                    var compare = new CompareExpr(leftValue, ToIr(op), rightValue, false);
                    return new Tri(compare, And(presence, Not(compare)));
            }
        }

        /// <summary>
        /// A condition compared with a boolean constant or another condition: '(a > 1) == true' is 'a > 1',
        /// '== false' its negation; two conditions are equal when both are true or both false (null otherwise).
        /// </summary>
        private Tri? LowerConditionComparison(EqlComparison comparison)
        {
            Tri? Side(EqlExpr side)
            {
                if (IsConditionSyntax(side) || side is EqlLiteral { Kind: EqlLiteralKind.Boolean })
                {
                    return LowerBool(side);
                }

                var value = LowerValue(side);
                if (value is null)
                {
                    return null;
                }

                if (value.Type != IrType.Boolean)
                {
                    Report(DiagnosticIds.TypeMismatch, side.Span, $"Cannot compare a condition with '{Text(side.Span)}' of type [{Describe(value.Type)}]: a condition is a boolean.");
                    return null;
                }

                return BooleanValueCondition(value);
            }

            if (comparison.Op != EqlCompareOp.Equal && comparison.Op != EqlCompareOp.NotEqual)
            {
                Report(DiagnosticIds.TypeMismatch, comparison.OperatorSpan, "Conditions (booleans) can only be compared with '==' or '!='.");
                return null;
            }

            var left = Side(comparison.Left);
            var right = Side(comparison.Right);
            if (left is null || right is null)
            {
                return null;
            }

            var l = left.Value;
            var r = right.Value;
            var equal = new Tri(
                Or(And(l.WhenTrue, r.WhenTrue), And(l.WhenFalse, r.WhenFalse)),
                Or(And(l.WhenTrue, r.WhenFalse), And(l.WhenFalse, r.WhenTrue)));
            return comparison.Op == EqlCompareOp.Equal ? equal : equal.Negate();
        }

        /// <summary>
        /// A condition is null when it is neither true nor false. When "false" has the usual shape
        /// "present and not true" (and "true" implies "present"), that is simply "not present".
        /// </summary>
        private static Tri IsNullCondition(Tri inner)
        {
            var whenTrue = inner.WhenTrue;
            var whenFalse = inner.WhenFalse;
            if (whenFalse is AndExpr and && and.Operands.Contains(Not(whenTrue)))
            {
                var presence = And(and.Operands.Where(o => !o.Equals(Not(whenTrue))).ToArray());
                return new Tri(Not(presence), presence);
            }

            return new Tri(And(Not(whenTrue), Not(whenFalse)), Or(whenTrue, whenFalse));
        }

        /// <summary>The null constant, or an optional field no schema knows: Elasticsearch replaces such a field
        /// with null (docs: "Optional fields"), so '?x == ?y' over two unknown fields is 'null == null', true.</summary>
        private bool IsNullValue(EqlExpr expr) =>
            expr is EqlLiteral { Kind: EqlLiteralKind.Null } ||
            (expr is EqlField { Optional: true, HasArrayIndex: false } field && !_binder.Catalog.TryGetField(field.Path, out _));

        private object? LowerValueOrCondition(EqlExpr expr) => IsConditionSyntax(expr) ? LowerBool(expr) : LowerValue(expr);

        private Tri? LowerIn(EqlIn inList)
        {
            var value = LowerValue(inList.Value);
            if (value is null)
            {
                return null;
            }

            if (value.Type == IrType.Null)
            {
                return AlwaysNull;
            }

            if (inList.CaseInsensitive && value.Type != IrType.String)
            {
                Report(DiagnosticIds.TypeMismatch, inList.Value.Span, $"'in~' compares strings case-insensitively, but '{Text(inList.Value.Span)}' is [{Describe(value.Type)}]. Use 'in' instead.");
                return null;
            }

            var hasNull = false;
            var literalStrings = new List<string>();
            var addresses = new List<string>();
            var others = new List<BoolExpr>();
            var ok = true;
            foreach (var item in inList.Items)
            {
                if (item is EqlLiteral { Kind: EqlLiteralKind.Null })
                {
                    hasNull = true;
                    continue;
                }

                var itemValue = LowerValue(item);
                if (itemValue is null)
                {
                    ok = false;
                    continue;
                }

                if (ContainsField(itemValue))
                {
                    Unsupported(item.Span, "A field inside an 'in' list is not supported (Elasticsearch requires constants there). List constant values.");
                    ok = false;
                    continue;
                }

                itemValue = CoerceLiteral(value, itemValue, item.Span, inList.Value.Span);
                if (itemValue is null || !CheckComparable(value, itemValue, null, item.Span))
                {
                    ok = false;
                    continue;
                }

                if (value.Type == IrType.String && itemValue is LiteralExpr { Type: IrType.String } text)
                {
                    literalStrings.Add(text.Text!);
                }
                else if (value.Type == IrType.Ip && itemValue is LiteralExpr { Type: IrType.Ip } address)
                {
                    addresses.Add(address.Text!);
                }
                else
                {
                    others.Add(new CompareExpr(value, CompareOp.Equal, itemValue, inList.CaseInsensitive));
                }
            }

            if (!ok)
            {
                return null;
            }

            var matches = new List<BoolExpr>();
            if (literalStrings.Count > 0)
            {
                matches.Add(new StringMatchExpr(value, StringMatchKind.Equals, Distinct(literalStrings, inList.CaseInsensitive), inList.CaseInsensitive));
            }

            if (addresses.Count > 0)
            {
                matches.Add(new CidrMatchExpr(value, addresses.Distinct(StringComparer.Ordinal).ToArray()));
            }

            matches.AddRange(others);
            var isIn = Or(matches.ToArray());
            // SQL semantics: 'x in (null, "a")' is null (not false) when x is not "a".
            var notIn = hasNull ? False : And(Presence(value), Not(isIn));
            var tri = new Tri(isIn, notIn);
            return inList.Negated ? tri.Negate() : tri;
        }

        private Tri? LowerPattern(EqlPatternMatch match)
        {
            var value = LowerValue(match.Value);
            if (value is null)
            {
                return null;
            }

            var operatorName = match.Kind switch
            {
                EqlPatternKind.Colon => ":",
                EqlPatternKind.Like => match.CaseInsensitive ? "like~" : "like",
                _ => match.CaseInsensitive ? "regex~" : "regex",
            };

            if (value.Type == IrType.Null)
            {
                return AlwaysNull;
            }

            if (value.Type != IrType.String)
            {
                Report(DiagnosticIds.TypeMismatch, match.Value.Span, $"'{operatorName}' can only be used to compare strings, but '{Text(match.Value.Span)}' is [{Describe(value.Type)}]. Use '==' or 'in' for {Describe(value.Type)} values.");
                return null;
            }

            var patterns = new List<string>();
            var patternSpans = new List<SourceSpan>();
            var ok = true;
            var hasNull = false;
            foreach (var pattern in match.Patterns)
            {
                if (pattern.Kind == EqlLiteralKind.Null)
                {
                    // As in an 'in' list: a null pattern never matches, and makes "no match" null rather than false.
                    hasNull = true;
                    continue;
                }

                if (pattern.Kind != EqlLiteralKind.String)
                {
                    Report(DiagnosticIds.TypeMismatch, pattern.Span, $"'{operatorName}' needs string patterns, found {Text(pattern.Span)}. Quote it: \"{Text(pattern.Span)}\".");
                    ok = false;
                    continue;
                }

                patterns.Add(pattern.Text!);
                patternSpans.Add(pattern.Span);
            }

            if (!ok)
            {
                return null;
            }

            if (patterns.Count == 0)
            {
                return AlwaysNull;
            }

            BoolExpr matched;
            if (match.Kind == EqlPatternKind.Regex)
            {
                var translated = new List<string>();
                for (var i = 0; i < patterns.Count; i++)
                {
                    var regex = LuceneRegex.Translate(patterns[i], out var error);
                    if (regex is null)
                    {
                        Report(DiagnosticIds.EqlInvalidPattern, patternSpans[i], $"Invalid regular expression: {error}. EQL 'regex' uses Lucene regular expression syntax.");
                        ok = false;
                        continue;
                    }

                    translated.Add(regex);
                }

                if (!ok)
                {
                    return null;
                }

                matched = new StringMatchExpr(value, StringMatchKind.Regex, Distinct(translated, false), match.CaseInsensitive);
            }
            else
            {
                // "*" matches every string: the match is "has a value" (f : "*" is Exists(f)).
                matched = patterns.Any(p => p.Length > 0 && p.All(c => c == '*'))
                    ? Presence(value)
                    : WildcardMatch(value, patterns, match.CaseInsensitive);
            }

            return new Tri(matched, hasNull ? False : And(Presence(value), Not(matched)));
        }

        /// <summary>
        /// <c>:</c> and <c>like</c> patterns: <c>*</c> any run, <c>?</c> one character, everything else literal
        /// (a backslash too: Elasticsearch's EQL wildcard has no escape). Groups patterns by the cheapest kind
        /// that expresses them exactly.
        /// </summary>
        private static BoolExpr WildcardMatch(ValueExpr target, List<string> patterns, bool caseInsensitive)
        {
            var byKind = new Dictionary<StringMatchKind, List<string>>();
            var order = new List<StringMatchKind>();
            foreach (var pattern in patterns)
            {
                var (kind, text) = Classify(pattern);
                if (!byKind.TryGetValue(kind, out var list))
                {
                    list = new List<string>();
                    byKind[kind] = list;
                    order.Add(kind);
                }

                list.Add(text);
            }

            var parts = new List<BoolExpr>();
            foreach (var kind in order)
            {
                parts.Add(new StringMatchExpr(target, kind, Distinct(byKind[kind], caseInsensitive), caseInsensitive));
            }

            return Or(parts.ToArray());
        }

        internal static (StringMatchKind Kind, string Text) Classify(string pattern)
        {
            if (pattern.IndexOf('?') >= 0)
            {
                return (StringMatchKind.Wildcard, pattern);
            }

            var stars = pattern.Count(c => c == '*');
            if (stars == 0)
            {
                return (StringMatchKind.Equals, pattern);
            }

            var inner = pattern.Trim('*');
            if (inner.IndexOf('*') < 0 && inner.Length > 0)
            {
                var leading = pattern.Length - pattern.TrimStart('*').Length;
                var trailing = pattern.Length - pattern.TrimEnd('*').Length;
                if (leading == 0 && trailing > 0)
                {
                    return (StringMatchKind.StartsWith, inner);
                }

                if (leading > 0 && trailing == 0)
                {
                    return (StringMatchKind.EndsWith, inner);
                }

                if (leading > 0 && trailing > 0)
                {
                    return (StringMatchKind.Contains, inner);
                }
            }

            return (StringMatchKind.Wildcard, pattern);
        }

        private Tri? LowerCallCondition(EqlCall call)
        {
            var value = LowerCall(call);
            if (value is null)
            {
                return null;
            }

            if (value.Type == IrType.Null)
            {
                return AlwaysNull;
            }

            if (value.Type != IrType.Boolean)
            {
                Report(DiagnosticIds.TypeMismatch, call.Span, $"Condition expression needs to be boolean, found [{Describe(value.Type)}] from {call.Name}(...). Compare the result with a value.");
                return null;
            }

            // Functions over a field and constants lower to the index-style matchers (as Elasticsearch pushes them
            // down to prefix/wildcard/term queries), which also gives them any-value semantics on arrays.
            if (value is CallExpr expr && expr.Arguments.Count >= 2 && expr.Arguments[0] is FieldExpr target)
            {
                var constants = expr.Arguments.Skip(1).OfType<LiteralExpr>().ToList();
                if (constants.Count == expr.Arguments.Count - 1)
                {
                    BoolExpr? matched = null;
                    switch (expr.Function)
                    {
                        case "startsWith":
                            matched = new StringMatchExpr(target, StringMatchKind.StartsWith, new[] { constants[0].Text! }, expr.CaseInsensitive);
                            break;
                        case "endsWith":
                            matched = new StringMatchExpr(target, StringMatchKind.EndsWith, new[] { constants[0].Text! }, expr.CaseInsensitive);
                            break;
                        case "stringContains":
                            matched = new StringMatchExpr(target, StringMatchKind.Contains, new[] { constants[0].Text! }, expr.CaseInsensitive);
                            break;
                        case "cidrMatch":
                            matched = new CidrMatchExpr(target, constants.Select(c => c.Text!).ToArray());
                            break;
                    }

                    if (matched != null)
                    {
                        return new Tri(matched, And(new ExistsExpr(target.Field), Not(matched)));
                    }
                }
            }

            return BooleanValueCondition(value);
        }
    }
}
