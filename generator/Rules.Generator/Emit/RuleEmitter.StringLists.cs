using System.Collections.Generic;
using System.Linq;
using Rules.Language.Ir;

namespace Rules.Generator.Emit
{
    internal sealed partial class RuleEmitter
    {
        /// <summary>Below this many patterns an OR of string tests on one field stays as it is (a few direct
        /// comparisons are cheaper than a set lookup).</summary>
        private const int MinPatternsForOneList = 4;

        /// <summary>
        /// String tests on one field under an OR (EQL splits <c>f : ("a", "b*", "*c", "?d")</c> into one test per
        /// kind; KQL writes one test per value) become one wildcard list, which the runtime compiles into one
        /// <c>WildcardSet</c>: a lookup instead of a comparison per pattern. Exact: an equality is the glob of its
        /// value, a prefix test <c>p*</c>, a suffix test <c>*s</c>, a substring test <c>*c*</c>, provided the text
        /// holds no <c>*</c> or <c>?</c> (those tests stay apart); "any value matches any pattern" distributes over
        /// the OR, so a multi-valued field gives the same answer; tests merge only with the same case mode.
        /// </summary>
        private static Language.EquatableArray<BoolExpr> GroupStringTests(Language.EquatableArray<BoolExpr> operands)
        {
            var groups = operands
                .Select((operand, index) => (Operand: operand as StringMatchExpr, Index: index))
                .Where(o => o.Operand is { Target: FieldExpr } match && AsGlobs(match) is not null)
                .GroupBy(o => (((FieldExpr)o.Operand!.Target).Field, o.Operand!.CaseInsensitive))
                .Where(g => g.Count() > 1 && g.Sum(o => o.Operand!.Patterns.Count) >= MinPatternsForOneList)
                .ToList();
            if (groups.Count == 0)
            {
                return operands;
            }

            var replacements = new Dictionary<int, BoolExpr?>();
            foreach (var group in groups)
            {
                var first = group.First();
                var globs = group.SelectMany(o => AsGlobs(o.Operand!)!).Distinct().ToArray();
                replacements[first.Index] = new StringMatchExpr(first.Operand!.Target, StringMatchKind.Wildcard, globs, first.Operand.CaseInsensitive);
                foreach (var other in group.Skip(1))
                {
                    replacements[other.Index] = null;
                }
            }

            var result = new List<BoolExpr>();
            for (var i = 0; i < operands.Count; i++)
            {
                if (!replacements.TryGetValue(i, out var replacement))
                {
                    result.Add(operands[i]);
                }
                else if (replacement is not null)
                {
                    result.Add(replacement);
                }
            }

            return result.ToArray();
        }

        /// <summary>The test's patterns as globs, or null when it has no exact glob form.</summary>
        private static IEnumerable<string>? AsGlobs(StringMatchExpr match)
        {
            if (match.Kind == StringMatchKind.Wildcard)
            {
                return match.Patterns;
            }

            if (match.Kind == StringMatchKind.Regex || match.Patterns.Any(p => p.IndexOf('*') >= 0 || p.IndexOf('?') >= 0))
            {
                return null;
            }

            return match.Kind switch
            {
                StringMatchKind.Equals => match.Patterns,
                StringMatchKind.StartsWith => match.Patterns.Select(p => p + "*"),
                StringMatchKind.EndsWith => match.Patterns.Select(p => "*" + p),
                StringMatchKind.Contains => match.Patterns.Select(p => "*" + p + "*"),
                _ => null,
            };
        }
    }
}
