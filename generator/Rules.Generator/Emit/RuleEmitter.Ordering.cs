using System.Collections.Generic;
using System.Linq;
using Rules.Language;
using Rules.Language.Ir;

namespace Rules.Generator.Emit
{
    internal sealed partial class RuleEmitter
    {
        /// <summary>
        /// The operands of an AND or OR, cheapest test first (a stable sort: equal costs keep the query's order). Every
        /// check is side-effect free and total (it returns false on missing or ill-typed values, never throws), so
        /// the order of evaluation cannot change the result, only how soon a short circuit stops it: a category or
        /// keyword compare that rejects most events then runs before a wildcard list or a text analysis. Nested ANDs
        /// (ORs) join the outer one first, which is associative, so their operands sort with the others.
        /// </summary>
        private static EquatableArray<BoolExpr> CheapestFirst(IEnumerable<BoolExpr> operands, bool isAnd)
        {
            var flat = operands.SelectMany(o => isAnd && o is AndExpr and ? and.Operands : !isAnd && o is OrExpr or ? or.Operands : (IEnumerable<BoolExpr>)new[] { o });
            return flat.Select((operand, index) => (operand, index, cost: Cost(operand)))
                .OrderBy(o => o.cost)
                .ThenBy(o => o.index)
                .Select(o => o.operand)
                .ToArray();
        }

        /// <summary>
        /// A rough relative cost of evaluating a condition on one event: reading a field (an ECS property is a load,
        /// an overflow field a slot lookup, an array a loop), then the test (an ordinal compare of a short literal,
        /// a set lookup, a pattern, a regex, analysing text). Only the order it induces matters.
        /// </summary>
        internal static int Cost(BoolExpr expr) => expr switch
        {
            ConstantExpr => 0,
            EventCategoryExpr => 2,
            ExistsExpr exists => 1 + FieldCost(exists.Field),
            NotNullExpr notNull => 1 + ValueCost(notNull.Value),
            ValueIsTrueExpr isTrue => 1 + ValueCost(isTrue.Value),
            CompareExpr compare => 2 + ValueCost(compare.Left) + ValueCost(compare.Right),
            StringMatchExpr match => StringMatchCost(match) + ValueCost(match.Target),
            CidrMatchExpr cidr => 8 + ValueCost(cidr.Target),
            TextMatchExpr text => 30 + FieldCost(text.Field),
            // One search of the text for all words; each more word is one more candidate to verify at the hits.
            TextMatchAnyExpr any => 30 + any.Tokens.Count + FieldCost(any.Field),
            TextAnyPhraseExpr phrases => 30 + phrases.Phrases.Count + FieldCost(phrases.Field),
            TextTokenWildcardExpr tokenWildcard => 40 + FieldCost(tokenWildcard.Field),
            NestedExpr nested => 10 + Cost(nested.Condition),
            NotExpr not => Cost(not.Operand),
            AndExpr and => and.Operands.Sum(Cost),
            // An OR is costed as it is emitted: tests on one field grouped into one list or one text search.
            OrExpr or => GroupStringTests(GroupPhraseTests(GroupWordTests(or.Operands))).Sum(Cost),
            _ => 20,
        };

        private static int StringMatchCost(StringMatchExpr match) => match.Kind switch
        {
            StringMatchKind.Equals => match.Patterns.Count <= 3 ? 2 * match.Patterns.Count : 5,
            StringMatchKind.StartsWith or StringMatchKind.EndsWith => 2 + 2 * match.Patterns.Count,
            StringMatchKind.Wildcard => match.Patterns.Count == 1 ? 6 : 10,
            StringMatchKind.Regex => 25 * match.Patterns.Count,
            _ => 4 + 4 * match.Patterns.Count,
        };

        private static int ValueCost(ValueExpr value) => value switch
        {
            FieldExpr field => FieldCost(field.Field),
            LiteralExpr => 0,
            CallExpr call => 8 + call.Arguments.Sum(ValueCost),
            ArithmeticExpr arithmetic => 2 + ValueCost(arithmetic.Left) + (arithmetic.Right is null ? 0 : ValueCost(arithmetic.Right)),
            _ => 5,
        };

        // An ECS property is one load; an ECS array is a loop; an overflow field is a slot lookup and a loop.
        private static int FieldCost(BoundField field) => !field.IsEcs ? 3 : field.IsArray ? 2 : 1;
    }
}
