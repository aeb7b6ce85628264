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
    /// <summary>Binds, type-checks and lowers an EQL syntax tree into the IR (see <see cref="EqlCompiler"/>).</summary>
    internal sealed partial class EqlLowering
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
    }
}
