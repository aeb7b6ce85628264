using System.Collections.Generic;
using System.Linq;
using Rules.Language.Ir;

namespace Rules.Language.Optimization
{
    /// <summary>
    /// Moves a top-level <c>event.category</c> test out of a single-event condition into the plan's categories, so the
    /// runtime dispatches the rule only to events of those categories (decided at build time). KQL rules say
    /// <c>event.category:process and ...</c> where EQL says <c>process where ...</c>: after lifting both dispatch
    /// alike. Exact: the lifted conjunct is a case-sensitive equality on <c>event.category</c> (any value), which is
    /// precisely the dispatch test; the generated <c>Matches</c> still tests the categories itself.
    /// </summary>
    public static class CategoryLifting
    {
        public const string CategoryField = "event.category";

        public static EventQueryPlan Apply(EventQueryPlan plan)
        {
            if (plan.Categories.Count > 0)
            {
                return plan;
            }

            var conjuncts = plan.Condition is AndExpr and ? and.Operands.ToList() : new List<BoolExpr> { plan.Condition };
            for (var i = 0; i < conjuncts.Count; i++)
            {
                if (conjuncts[i] is StringMatchExpr { Kind: StringMatchKind.Equals, CaseInsensitive: false, Target: FieldExpr { Field.Path: CategoryField } } match)
                {
                    conjuncts.RemoveAt(i);
                    var categories = match.Patterns.Distinct().OrderBy(c => c, System.StringComparer.Ordinal).ToArray();
                    BoolExpr rest = conjuncts.Count switch
                    {
                        0 => new ConstantExpr(true),
                        1 => conjuncts[0],
                        _ => new AndExpr(conjuncts.ToArray()),
                    };
                    return new EventQueryPlan(categories, rest);
                }
            }

            return plan;
        }
    }
}
