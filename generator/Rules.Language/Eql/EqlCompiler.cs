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
    /// <summary>The result of compiling an EQL query: the plan (null when there is an error) and the diagnostics.</summary>
    public sealed class EqlCompileResult
    {
        public EqlCompileResult(QueryPlan? plan, IReadOnlyList<RuleDiagnostic> diagnostics, EqlQuery? syntax)
        {
            Plan = plan;
            Diagnostics = diagnostics;
            Syntax = syntax;
        }

        public QueryPlan? Plan { get; }

        public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

        /// <summary>The parsed tree (null on a syntax error).</summary>
        public EqlQuery? Syntax { get; }

        public void Deconstruct(out QueryPlan? plan, out IReadOnlyList<RuleDiagnostic> diagnostics)
        {
            plan = Plan;
            diagnostics = Diagnostics;
        }
    }

    /// <summary>
    /// Parses, binds, type-checks and lowers an EQL query into the two-valued IR. Elasticsearch evaluates EQL with
    /// SQL's three-valued logic (a comparison with a null or missing value is null; <c>not null</c> is null; a null
    /// condition does not match). Each condition is therefore lowered to a pair: when it is true, and when it is
    /// false; <c>not</c> swaps them, so the IR needs no nulls (docs/eql.md, "Nulls and missing fields").
    /// </summary>
    public static class EqlCompiler
    {
        public static EqlCompileResult Compile(QuerySource source, FieldCatalog catalog)
        {
            var parsed = EqlParser.Parse(source);
            var diagnostics = new List<RuleDiagnostic>(parsed.Diagnostics);
            if (parsed.Query is null)
            {
                return new EqlCompileResult(null, diagnostics, null);
            }

            var lowering = new EqlLowering(source, catalog, diagnostics);
            QueryPlan? plan;
            try
            {
                plan = lowering.LowerQuery(parsed.Query);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // A defect in the lowering must not escape the library as an exception: report it at the query.
                diagnostics.Add(source.Error(DiagnosticIds.EqlSyntax, 0, source.Query.Length, "Internal error while compiling this EQL query (" + exception.GetType().Name + ": " + exception.Message + "). Please report it."));
                plan = null;
            }

            var hasError = diagnostics.Any(d => d.IsError);
            return new EqlCompileResult(hasError ? null : plan, diagnostics, parsed.Query);
        }

        public static EqlCompileResult Compile(string query, FieldCatalog catalog) => Compile(QuerySource.ForText(query), catalog);
    }

    internal sealed class EqlLowering
    {
        private static readonly BoolExpr True = new ConstantExpr(true);
        private static readonly BoolExpr False = new ConstantExpr(false);

        private readonly QuerySource _source;
        private readonly List<RuleDiagnostic> _diagnostics;
        private readonly FieldBinder _binder;

        public EqlLowering(QuerySource source, FieldCatalog catalog, List<RuleDiagnostic> diagnostics)
        {
            _source = source;
            _diagnostics = diagnostics;
            _binder = new FieldBinder(catalog, source, diagnostics);
        }

        /// <summary>A condition in three-valued logic, as the pair (holds when true, holds when false).</summary>
        private readonly struct Tri
        {
            public Tri(BoolExpr whenTrue, BoolExpr whenFalse)
            {
                WhenTrue = whenTrue;
                WhenFalse = whenFalse;
            }

            public BoolExpr WhenTrue { get; }

            public BoolExpr WhenFalse { get; }

            public Tri Negate() => new Tri(WhenFalse, WhenTrue);
        }

        private static readonly Tri AlwaysNull = new Tri(False, False);

        // ---------------------------------------------------------------- queries

        public QueryPlan? LowerQuery(EqlQuery query)
        {
            QueryPlan? plan = query.Body switch
            {
                EqlEventQuery eventQuery => LowerEventQuery(eventQuery.Filter),
                EqlSequence sequence => LowerSequence(sequence),
                EqlSample sample => LowerSample(sample),
                EqlJoin join => Unsupported(join.Span, "'join' is not supported (Elasticsearch does not run it either); use 'sequence' for ordered events or 'sample' for unordered ones."),
                _ => null,
            };

            var pipes = new List<PipeStep>();
            foreach (var pipe in query.Pipes)
            {
                var step = LowerPipe(pipe);
                if (step != null)
                {
                    pipes.Add(step);
                }
            }

            if (plan is null)
            {
                return null;
            }

            return pipes.Count == 0 ? plan : new PipedPlan(plan, pipes.ToArray());
        }

        private PipeStep? LowerPipe(EqlPipe pipe)
        {
            var kind = pipe.Name switch
            {
                "head" => PipeKind.Head,
                "tail" => PipeKind.Tail,
                _ => (PipeKind?)null,
            };
            if (kind is null)
            {
                Report(DiagnosticIds.UnsupportedFeature, pipe.NameSpan, $"The pipe '| {pipe.Name}' is not supported in a stream (Elasticsearch runs only 'head' and 'tail'). Remove it, or express it in the query's condition.");
                return null;
            }

            if (pipe.Arguments.Count != 1 || pipe.Arguments[0] is not EqlLiteral { Kind: EqlLiteralKind.Integer } count)
            {
                Report(DiagnosticIds.EqlSyntax, pipe.Span, $"'| {pipe.Name}' needs one positive whole number, as in '| {pipe.Name} 10'.");
                return null;
            }

            if (count.Integer <= 0 || count.Integer > int.MaxValue)
            {
                Report(DiagnosticIds.EqlSyntax, count.Span, $"'| {pipe.Name}' needs a positive whole number, found {count.Integer}.");
                return null;
            }

            return new PipeStep(kind.Value, (int)count.Integer);
        }

        private EventQueryPlan? LowerEventQuery(EqlEventFilter filter)
        {
            var condition = LowerCondition(filter.Condition);
            return condition is null ? null : new EventQueryPlan(Categories(filter), condition);
        }

        private static EquatableArray<string> Categories(EqlEventFilter filter) =>
            filter.Category is null ? EquatableArray<string>.Empty : new[] { filter.Category };

        private BoolExpr? LowerCondition(EqlExpr condition)
        {
            var tri = LowerBool(condition);
            return tri?.WhenTrue;
        }

        private SequencePlan? LowerSequence(EqlSequence sequence)
        {
            var ok = true;
            var sharedKeys = LowerKeys(sequence.Keys, ref ok);
            var stages = new List<SequenceStage>();
            int? keyCount = null;
            var positiveCount = 0;
            var expandedCount = 0;
            foreach (var stage in sequence.Stages)
            {
                var lowered = LowerStage(stage, sharedKeys, ref keyCount, ref ok);
                if (lowered != null)
                {
                    stages.Add(lowered);
                    expandedCount += lowered.Runs;
                    if (!lowered.IsMissing)
                    {
                        positiveCount++;
                    }
                }
            }

            SequenceStage? until = null;
            if (sequence.Until != null)
            {
                until = LowerStage(sequence.Until, sharedKeys, ref keyCount, ref ok);
            }

            TimeSpan? maxSpan = null;
            if (sequence.MaxSpan != null)
            {
                maxSpan = LowerMaxSpan(sequence.MaxSpan, ref ok);
            }

            if (ok && expandedCount < 2)
            {
                Report(DiagnosticIds.EqlSyntax, sequence.Span, $"A sequence requires a minimum of 2 queries, found [{expandedCount}]. Add another stage, or use an event query.");
                ok = false;
            }

            if (ok && positiveCount == 0)
            {
                Report(DiagnosticIds.EqlSyntax, sequence.Span, "A sequence needs at least one stage that is not a missing-event stage '![...]'.");
                ok = false;
            }

            return ok ? new SequencePlan(stages.ToArray(), maxSpan, until) : null;
        }

        private SamplePlan? LowerSample(EqlSample sample)
        {
            var ok = true;
            var sharedKeys = LowerKeys(sample.Keys, ref ok);
            var stages = new List<SequenceStage>();
            int? keyCount = null;
            foreach (var stage in sample.Stages)
            {
                var lowered = LowerStage(stage, sharedKeys, ref keyCount, ref ok);
                if (lowered != null)
                {
                    stages.Add(lowered);
                }
            }

            if (ok && sample.Stages.Count < 2)
            {
                Report(DiagnosticIds.EqlSyntax, sample.Span, $"A sample requires a minimum of 2 queries, found [{sample.Stages.Count}].");
                ok = false;
            }

            if (ok && (keyCount ?? 0) == 0)
            {
                Report(DiagnosticIds.EqlSyntax, sample.Span, "A sample needs join keys: write 'sample by <field> [...] [...]' or give each stage a 'by' clause.");
                ok = false;
            }

            return ok ? new SamplePlan(stages.ToArray()) : null;
        }

        private List<ValueExpr>? LowerKeys(EquatableArray<EqlExpr> keys, ref bool ok)
        {
            var lowered = new List<ValueExpr>();
            var failed = false;
            foreach (var key in keys)
            {
                var value = LowerValue(key);
                if (value is null)
                {
                    failed = true;
                    continue;
                }

                if (value is LiteralExpr && !IsNullValue(key))
                {
                    Report(DiagnosticIds.TypeMismatch, key.Span, "A join key must be a field or an expression over fields, not a constant.");
                    failed = true;
                    continue;
                }

                if (value.Type == IrType.Other)
                {
                    Report(DiagnosticIds.TypeMismatch, key.Span, "A join key must be a scalar field (keyword, number, boolean, date or ip), not an object.");
                    failed = true;
                    continue;
                }

                lowered.Add(value);
            }

            if (failed)
            {
                // Reported already; null keeps the key-count check from reporting a consequence of that error.
                ok = false;
                return null;
            }

            return lowered;
        }

        private SequenceStage? LowerStage(EqlStage stage, List<ValueExpr>? sharedKeys, ref int? keyCount, ref bool ok)
        {
            var condition = LowerCondition(stage.Filter.Condition);
            var ownKeys = LowerKeys(stage.Keys, ref ok);
            var keys = new List<ValueExpr>(sharedKeys ?? new List<ValueExpr>());
            keys.AddRange(ownKeys ?? new List<ValueExpr>());
            if (sharedKeys is null || ownKeys is null)
            {
                // A key failed to bind (reported); its count says nothing.
            }
            else if (keyCount is null)
            {
                keyCount = keys.Count;
            }
            else if (keyCount != keys.Count)
            {
                Report(DiagnosticIds.EqlSyntax, stage.Span, $"Inconsistent number of join keys specified; expected [{keyCount}] but found [{keys.Count}]. Every stage must have the same number of 'by' keys.");
                ok = false;
            }

            var runs = 1;
            if (stage.Runs is int requested)
            {
                if (requested < 1 || requested > 100)
                {
                    Report(DiagnosticIds.EqlSyntax, stage.RunsSpan, $"'runs' must be between 1 and 100, found [{requested}].");
                    ok = false;
                }
                else
                {
                    runs = requested;
                }
            }

            if (condition is null)
            {
                ok = false;
                return null;
            }

            return new SequenceStage(Categories(stage.Filter), condition, keys.ToArray(), runs, stage.IsMissing);
        }

        private TimeSpan? LowerMaxSpan(EqlMaxSpan maxSpan, ref bool ok)
        {
            if (maxSpan.Unit is null)
            {
                var suggestion = maxSpan.AmountIsInteger ? ((long)maxSpan.Amount).ToString(CultureInfo.InvariantCulture) : maxSpan.Amount.ToString(CultureInfo.InvariantCulture);
                Report(DiagnosticIds.EqlSyntax, maxSpan.Span, $"No time unit specified, did you mean [s] as in [{suggestion}s]? Units: ms, s, m, h, d.");
                ok = false;
                return null;
            }

            double milliseconds;
            switch (maxSpan.Unit)
            {
                case "ms": milliseconds = maxSpan.Amount; break;
                case "s": milliseconds = maxSpan.Amount * 1000; break;
                case "m": milliseconds = maxSpan.Amount * 60_000; break;
                case "h": milliseconds = maxSpan.Amount * 3_600_000; break;
                case "d": milliseconds = maxSpan.Amount * 86_400_000; break;
                default:
                    Report(DiagnosticIds.EqlSyntax, maxSpan.Span, $"Unknown time unit [{maxSpan.Unit}] in maxspan; use ms, s, m, h or d (as in 30s).");
                    ok = false;
                    return null;
            }

            if (milliseconds <= 0 || milliseconds > TimeSpan.MaxValue.TotalMilliseconds / 2)
            {
                Report(DiagnosticIds.EqlSyntax, maxSpan.Span, "A positive maxspan value is required, such as 30s.");
                ok = false;
                return null;
            }

            return TimeSpan.FromTicks((long)Math.Round(milliseconds) * TimeSpan.TicksPerMillisecond);
        }

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
            var ok = true;
            foreach (var pattern in match.Patterns)
            {
                if (pattern.Kind != EqlLiteralKind.String)
                {
                    Report(DiagnosticIds.TypeMismatch, pattern.Span, $"'{operatorName}' needs string patterns, found {Text(pattern.Span)}. Quote it: \"{Text(pattern.Span)}\".");
                    ok = false;
                    continue;
                }

                patterns.Add(pattern.Text!);
            }

            if (!ok)
            {
                return null;
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
                        Report(DiagnosticIds.EqlInvalidPattern, match.Patterns[i].Span, $"Invalid regular expression: {error}. EQL 'regex' uses Lucene regular expression syntax.");
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
                matched = WildcardMatch(value, patterns, match.CaseInsensitive);
            }

            return new Tri(matched, And(Presence(value), Not(matched)));
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

        // ---------------------------------------------------------------- values

        private ValueExpr? LowerValue(EqlExpr expr)
        {
            switch (expr)
            {
                case EqlLiteral literal:
                    return literal.Kind switch
                    {
                        EqlLiteralKind.Null => LiteralExpr.Null,
                        EqlLiteralKind.String => LiteralExpr.String(literal.Text!),
                        EqlLiteralKind.Integer => LiteralExpr.Int(literal.Integer),
                        EqlLiteralKind.Decimal => LiteralExpr.Double(literal.Decimal),
                        _ => LiteralExpr.Bool(literal.Boolean),
                    };
                case EqlField field:
                    return LowerField(field);
                case EqlCall call:
                    return LowerCall(call);
                case EqlArithmetic arithmetic:
                    return LowerArithmetic(arithmetic);
                default:
                    if (IsConditionSyntax(expr))
                    {
                        Unsupported(expr.Span, $"A condition cannot be used as a value here ('{Text(expr.Span)}'); only 'x == null' / 'x != null' may test a condition. Rewrite it as a condition.");
                        return null;
                    }

                    Report(DiagnosticIds.EqlSyntax, expr.Span, $"Unexpected expression '{Text(expr.Span)}'.");
                    return null;
            }
        }

        private ValueExpr? LowerField(EqlField field)
        {
            if (field.HasArrayIndex)
            {
                Unsupported(field.Span, "Array indexes ('field[0]') are not supported (Elasticsearch rejects them too). A condition on a field holds when any of its values matches.");
                return null;
            }

            if (IsNullValue(field))
            {
                return LiteralExpr.Null;
            }

            var path = field.Path;
            var start = field.Span.Start + (field.Optional ? 1 : 0);
            var bound = _binder.Bind(path, field.Optional, start, field.Span.End - start);
            return bound is null ? null : new FieldExpr(bound);
        }

        private ValueExpr? LowerArithmetic(EqlArithmetic arithmetic)
        {
            var left = LowerValue(arithmetic.Left);
            var right = arithmetic.Right is null ? null : LowerValue(arithmetic.Right);
            if (left is null || (arithmetic.Right != null && right is null))
            {
                return null;
            }

            var symbol = arithmetic.Op switch
            {
                EqlArithmeticOp.Add => "+",
                EqlArithmeticOp.Subtract => "-",
                EqlArithmeticOp.Multiply => "*",
                EqlArithmeticOp.Divide => "/",
                EqlArithmeticOp.Modulo => "%",
                _ => "-",
            };

            if (!RequireNumeric(left, arithmetic.Left.Span, $"'{symbol}'") || (right != null && !RequireNumeric(right, arithmetic.Right!.Span, $"'{symbol}'")))
            {
                return null;
            }

            if (left.Type == IrType.Null || (right != null && right.Type == IrType.Null))
            {
                return LiteralExpr.Null;
            }

            if (right is LiteralExpr divisor && (arithmetic.Op == EqlArithmeticOp.Divide || arithmetic.Op == EqlArithmeticOp.Modulo) &&
                ((divisor.Type == IrType.Integer && divisor.Integer == 0) || (divisor.Type == IrType.Float && divisor.Float == 0)))
            {
                Report(DiagnosticIds.TypeMismatch, arithmetic.Right!.Span, "Division by zero: the divisor is the constant 0.");
                return null;
            }

            var resultType = left.Type == IrType.Float || (right != null && right.Type == IrType.Float) ? IrType.Float : IrType.Integer;
            var op = arithmetic.Op switch
            {
                EqlArithmeticOp.Add => ArithmeticOp.Add,
                EqlArithmeticOp.Subtract => ArithmeticOp.Subtract,
                EqlArithmeticOp.Multiply => ArithmeticOp.Multiply,
                EqlArithmeticOp.Divide => ArithmeticOp.Divide,
                EqlArithmeticOp.Modulo => ArithmeticOp.Modulo,
                _ => ArithmeticOp.Negate,
            };
            return new ArithmeticExpr(op, left, right, resultType);
        }

        private bool RequireNumeric(ValueExpr value, SourceSpan span, string what)
        {
            if (value.Type == IrType.Integer || value.Type == IrType.Float || value.Type == IrType.Null)
            {
                return true;
            }

            Report(DiagnosticIds.TypeMismatch, span, $"{what} needs a number, but '{Text(span)}' is [{Describe(value.Type)}].");
            return false;
        }

        private ValueExpr? LowerCall(EqlCall call)
        {
            if (!EqlFunctionCatalog.TryGet(call.Name, out var signature))
            {
                Report(DiagnosticIds.EqlUnknownFunction, call.NameSpan, $"Unknown function [{call.Name}]. EQL functions: {string.Join(", ", EqlFunctionCatalog.Names)}.");
                return null;
            }

            if (call.CaseInsensitive && !signature.HasInsensitiveVariant)
            {
                Report(DiagnosticIds.EqlUnknownFunction, call.NameSpan, $"Function [{signature.Name}] has no case-insensitive variant: remove the '~' after '{call.Name}'.");
                return null;
            }

            var count = call.Arguments.Count;
            if (count < signature.MinArguments || (signature.MaxArguments >= 0 && count > signature.MaxArguments))
            {
                Report(DiagnosticIds.EqlWrongArgumentCount, call.Span, $"Function [{signature.Name}] takes {signature.ArityText} argument(s), found {count}.");
                return null;
            }

            var arguments = new List<ValueExpr>();
            var ok = true;
            var hasNull = false;
            for (var i = 0; i < count; i++)
            {
                var argument = call.Arguments[i];
                var value = LowerValue(argument);
                if (value is null)
                {
                    ok = false;
                    continue;
                }

                if (!CheckArgument(signature, i, value, argument))
                {
                    ok = false;
                    continue;
                }

                // number(s, null) uses the default base; every other null argument makes the result null.
                if (value.Type == IrType.Null && !(signature.Name == "number" && i == 1))
                {
                    hasNull = true;
                }

                arguments.Add(value);
            }

            if (!ok)
            {
                return null;
            }

            if (hasNull)
            {
                return LiteralExpr.Null;
            }

            var resultType = signature.FixedResultType
                ?? (arguments.Any(a => a.Type == IrType.Float) ? IrType.Float : IrType.Integer);
            return new CallExpr(signature.Name, arguments.ToArray(), call.CaseInsensitive, resultType);
        }

        private bool CheckArgument(EqlFunctionSignature signature, int index, ValueExpr value, EqlExpr argument)
        {
            var kind = signature.ArgumentKind(index);
            var type = value.Type;
            string? expected = null;
            switch (kind)
            {
                case EqlArgKind.String:
                    if (type != IrType.String && type != IrType.Null)
                    {
                        expected = "string";
                    }

                    break;
                case EqlArgKind.Numeric:
                    if (type != IrType.Integer && type != IrType.Float && type != IrType.Null)
                    {
                        expected = "integer or float";
                    }

                    break;
                case EqlArgKind.Integer:
                    if (type != IrType.Integer && type != IrType.Null)
                    {
                        expected = "integer";
                    }

                    break;
                case EqlArgKind.IntegerConstant:
                    if (value is not LiteralExpr || (type != IrType.Integer && type != IrType.Null))
                    {
                        expected = "integer constant";
                    }
                    else if (value is LiteralExpr { Type: IrType.Integer } radix && (radix.Integer < 2 || radix.Integer > 36))
                    {
                        Report(DiagnosticIds.TypeMismatch, argument.Span, $"The base of [{signature.Name}] must be between 2 and 36, found {radix.Integer}.");
                        return false;
                    }

                    break;
                case EqlArgKind.BooleanConstant:
                    if (value is not LiteralExpr || type != IrType.Boolean)
                    {
                        expected = "boolean constant (true or false)";
                    }

                    break;
                case EqlArgKind.Ip:
                    if (type != IrType.Ip && type != IrType.Null)
                    {
                        expected = "ip field";
                    }

                    break;
                case EqlArgKind.StringConstant:
                    if (value is LiteralExpr { Type: IrType.Null })
                    {
                        break;
                    }

                    if (value is not LiteralExpr { Type: IrType.String } cidr)
                    {
                        expected = "string constant (a CIDR block)";
                    }
                    else if (!IsValidCidr(cidr.Text!))
                    {
                        Report(DiagnosticIds.InvalidValueForFieldType, argument.Span, $"'{cidr.Text}' is not a valid CIDR block or IP address; write e.g. \"10.0.0.0/8\" or \"fe80::/10\".");
                        return false;
                    }

                    break;
                case EqlArgKind.Scalar:
                    if (type == IrType.Other)
                    {
                        expected = "scalar value";
                    }

                    break;
            }

            if (expected is null)
            {
                return true;
            }

            Report(DiagnosticIds.TypeMismatch, argument.Span, $"Argument {index + 1} of [{signature.Name}] must be {expected}, found '{Text(argument.Span)}' of type [{Describe(type)}].");
            return false;
        }

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
