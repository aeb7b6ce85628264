using System.Collections.Generic;
using System.Linq;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Language.Optimization
{
    /// <summary>
    /// A required exact-value test a rule can be indexed by: the rule can only match an event whose
    /// <see cref="FieldPath"/> value is one of <see cref="Values"/>. The runtime looks the event's value up once per
    /// field in a hash table of all rules' anchors instead of running every rule's condition.
    /// </summary>
    public sealed record RuleAnchor(string FieldPath, EquatableArray<string> Values, bool IgnoreCase);

    /// <summary>
    /// Picks a rule's anchor at build time: a top-level conjunct that is an exact (in)equality-free value test on a
    /// single-valued ECS keyword field - <c>process.name : ("a", "b")</c>, <c>event.action == "x"</c>, or an OR of such
    /// tests on one field. Fields whose few values say little (host.os.type, event.type ...) are not worth an index.
    /// Exact by construction: the conjunct must hold for the rule to match, and it holds only for those values.
    /// </summary>
    public static class AnchorSelection
    {
        private static readonly HashSet<string> LowCardinalityFields = new HashSet<string>
        {
            "host.os.type", "host.os.family", "host.os.platform", "host.os.name", "event.type", "event.kind", "event.outcome",
            "event.category", "agent.type", "network.direction", "network.transport", "network.type", "ecs.version",
            "data_stream.type", "data_stream.namespace",
        };

        public static RuleAnchor? Select(EventQueryPlan plan)
        {
            var conjuncts = plan.Condition is AndExpr and ? (IReadOnlyList<BoolExpr>)and.Operands.ToArray() : new[] { plan.Condition };
            RuleAnchor? fallback = null;
            foreach (var conjunct in conjuncts)
            {
                var anchor = AnchorOf(conjunct);
                if (anchor is null)
                {
                    continue;
                }

                if (!LowCardinalityFields.Contains(anchor.FieldPath))
                {
                    return anchor;
                }

                fallback ??= anchor;
            }

            // A low-cardinality anchor still narrows the candidates (event.action, data_stream.dataset are useful);
            // host.os.type and friends are skipped above and used only when nothing better exists.
            return fallback is not null && !LowCardinalityFields.Contains(fallback.FieldPath) ? fallback : null;
        }

        private static RuleAnchor? AnchorOf(BoolExpr conjunct)
        {
            switch (conjunct)
            {
                case StringMatchExpr { Kind: StringMatchKind.Equals, Target: FieldExpr { Field: var field } } match when IsIndexable(field):
                    return new RuleAnchor(field.Path, match.Patterns, match.CaseInsensitive);
                case OrExpr or:
                    var parts = or.Operands.Select(AnchorOf).ToList();
                    if (parts.Count == 0 || parts.Any(p => p is null))
                    {
                        return null;
                    }

                    var first = parts[0]!;
                    if (parts.Any(p => p!.FieldPath != first.FieldPath || p.IgnoreCase != first.IgnoreCase))
                    {
                        return null;
                    }

                    return new RuleAnchor(first.FieldPath, parts.SelectMany(p => p!.Values).Distinct().ToArray(), first.IgnoreCase);
                default:
                    return null;
            }
        }

        private static bool IsIndexable(BoundField field) =>
            field.IsEcs && !field.IsArray && !field.IsOptional && field.ValueKind == FieldValueKind.String && !field.LowercaseNormalized;
    }
}
