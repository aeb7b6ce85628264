using System.Collections.Generic;
using System.Linq;
using Rules.Language;
using Rules.Language.Ir;

namespace Rules.Generator.Emit
{
    /// <summary>Some of <see cref="Phrases"/> occurs in the text field (a phrase of one word: the word is a token):
    /// the OR of phrase and word tests on one field, checked with one search of the text (runtime TextPhrases).
    /// An emitter-only node: it exists between grouping an OR and emitting its check.</summary>
    internal sealed record TextAnyPhraseExpr(BoundField Field, EquatableArray<EquatableArray<string>> Phrases) : BoolExpr;

    internal sealed partial class RuleEmitter
    {
        /// <summary>
        /// Phrase tests on one text field under an OR, with the field's word tests, become one check: the
        /// corpus' PowerShell rules OR a hundred phrases on the script block, and one search for all first words
        /// replaces a pass over the text per phrase. Words and phrases keep their meaning: a word is the phrase of
        /// one word (match_phrase of one token is that token occurring).
        /// </summary>
        private static EquatableArray<BoolExpr> GroupPhraseTests(EquatableArray<BoolExpr> operands)
        {
            static BoundField? FieldOf(BoolExpr operand) => operand switch
            {
                TextMatchExpr { Phrase: true } phrase when phrase.Tokens.Count > 1 => phrase.Field,
                TextMatchExpr { Phrase: false } word when word.Tokens.Count == 1 => word.Field,
                TextMatchAnyExpr any when any.Tokens.Count > 0 => any.Field,
                _ => null,
            };

            var fields = operands
                .Where(o => FieldOf(o) is not null)
                .GroupBy(o => FieldOf(o)!)
                .Where(g => g.Count() > 1 && g.Any(o => o is TextMatchExpr { Phrase: true }))
                .Select(g => g.Key)
                .ToList();
            if (fields.Count == 0)
            {
                return operands;
            }

            var result = new List<BoolExpr>();
            var emitted = new HashSet<BoundField>();
            foreach (var operand in operands)
            {
                var field = FieldOf(operand);
                if (field is null || !fields.Contains(field))
                {
                    result.Add(operand);
                }
                else if (emitted.Add(field))
                {
                    var phrases = operands.Where(o => FieldOf(o) == field).SelectMany(Phrases).Distinct().ToArray();
                    result.Add(new TextAnyPhraseExpr(field, phrases));
                }
            }

            return result.ToArray();
        }

        private static IEnumerable<EquatableArray<string>> Phrases(BoolExpr operand) => operand switch
        {
            TextMatchExpr text => new[] { text.Tokens },
            TextMatchAnyExpr any => any.Tokens.Select(t => new EquatableArray<string>(new[] { t })),
            _ => Enumerable.Empty<EquatableArray<string>>(),
        };

        private static string DescribePhrases(TextAnyPhraseExpr phrases) =>
            CSharp.Identifier(phrases.Field.Path) + $"HasOneOf{phrases.Phrases.Count}Phrases";

        private static string PrintPhrases(TextAnyPhraseExpr phrases) =>
            phrases.Field.Path + " has any phrase of (" + string.Join(", ", phrases.Phrases.Select(p => "\"" + string.Join(" ", p) + "\"")) + ")";

        /// <summary>The phrases of a grouped test, compiled once (runtime TextPhrases).</summary>
        private string TextPhrasesField(TextAnyPhraseExpr phrases)
        {
            var key = "phrases:" + phrases.Field.Path + ":" + string.Join("\u0002", phrases.Phrases.Select(p => string.Join("\u0001", p)));
            if (_staticFieldNames.TryGetValue(key, out var name))
            {
                return name;
            }

            name = Reserve(CSharp.Identifier(phrases.Field.Path) + "Phrases", key);
            var lines = string.Join(",\n", phrases.Phrases.Select(p => "            new string[] { " + string.Join(", ", p.Select(CSharp.String)) + " }"));
            _staticFields.Add($"        private static readonly {Matching}.TextPhrases {name} = new {Matching}.TextPhrases(\n{lines});\n");
            return name;
        }
    }
}
