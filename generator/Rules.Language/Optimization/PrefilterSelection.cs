using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Language.Optimization
{
    /// <summary>What a prefilter atom asks of one value of its field (compared ignoring case, see PrefilterSelection).</summary>
    public enum PrefilterAtomKind
    {
        /// <summary>The whole value equals the literal.</summary>
        Exact,
        /// <summary>The value holds the literal at <see cref="PrefilterAtom.Offset"/> (after that many characters).</summary>
        Prefix,
        /// <summary>The value ends with the literal.</summary>
        Suffix,
        /// <summary>The value contains the literal somewhere.</summary>
        Contains,
        /// <summary>The field has a value at all (no literal): for tests that fail on a missing field but offer no
        /// literal (text fields, regexes, CIDR ranges, comparisons) - a script-block rule needs a script block.</summary>
        Exists,
    }

    /// <summary>One necessary test on one value of a string field (or an exact value of an integer field, its literal
    /// the integer's invariant text).</summary>
    public sealed record PrefilterAtom(BoundField Field, PrefilterAtomKind Kind, string Literal, int Offset);

    /// <summary>
    /// A necessary condition of a rule: the rule can only match an event where some value of some atom's field passes
    /// that atom (a disjunction). The engine indexes rules by their atoms, per field, so an event meets only the rules
    /// one of its values selects; the rule's full condition still decides.
    /// </summary>
    public sealed record RulePrefilter(EquatableArray<PrefilterAtom> Atoms)
    {
        /// <summary>The estimated share of events that pass (lower is better); see PrefilterSelection.Cost.</summary>
        public double Cost => Atoms.Sum(PrefilterSelection.Cost);

        /// <summary>Only low-cardinality fields (host.os.type, event.type ...): a check most rules share, cheap to
        /// probe once per event, but too unselective to index a rule by alone when it has another condition.</summary>
        public bool IsShared => Atoms.All(PrefilterSelection.IsCommon);

        /// <summary>Probing it never searches inside values (exact values, anchored literals, presence).</summary>
        public bool IsAnchored => Atoms.All(a => a.Kind != PrefilterAtomKind.Contains);
    }

    /// <summary>
    /// A rule's prefilter: a conjunction of necessary conditions (each a <see cref="RulePrefilter"/> disjunction) from
    /// different conjuncts of its condition, the most selective first. The engine admits a rule only where every
    /// condition holds.
    /// </summary>
    public sealed record PrefilterPlan(EquatableArray<RulePrefilter> Conditions)
    {
        /// <summary>Every atom of every condition.</summary>
        public IEnumerable<PrefilterAtom> Atoms => Conditions.SelectMany(c => c.Atoms);
    }

    /// <summary>
    /// Picks a rule's prefilter at build time from its condition's structure:
    /// <list type="bullet">
    /// <item>a string test on an indexable field gives one atom per pattern (the best literal each pattern requires:
    /// the whole value, a prefix - after leading <c>?</c>s, as an offset -, a suffix, or a literal run inside); a
    /// regex gives the atoms <see cref="RegexPrefilter"/> derives (exact values of a finite language, or the best
    /// literal of its widening to wildcards);</item>
    /// <item>an AND needs all its operands, so any one operand's prefilter is a prefilter of the AND: the cheapest;</item>
    /// <item>an OR needs one of its operands: the union of all operands' prefilters, or none if one operand has none;</item>
    /// <item>a test that fails when its field has no value but offers no literal (a text-field match, a regex not read, a CIDR
    /// range, a comparison with a literal, an exists test) gives an Exists atom: the field must have a value;</item>
    /// <item>anything else (NOT, functions of fields, constants) has none.</item>
    /// </list>
    /// Exact by construction: each step keeps a necessary condition, so the prefilter is a superset of the rule.
    /// Case: atoms are compared ignoring case at run time whatever the rule says (a superset again); literal characters
    /// are kept except surrogates (which act as <c>?</c>), so the runtime's per-character upper-case fold provably
    /// equates whatever the matchers' OrdinalIgnoreCase does (tests/Rules.Tests/Engine, CaseFolding).
    /// Conjunction: the top-level conjuncts each give a necessary condition; the rule's prefilter is the most selective
    /// one (a condition only on low-cardinality fields - host.os.type, event.type ... - only when there is no other) and
    /// up to <c>maximumConditions</c> - 1 more that are cheap to probe (no contains-search, no presence test): a
    /// process-name list AND host.os.type == "windows" AND event.type == "start". Low-cardinality checks are shared:
    /// the engine probes each field once per event for every rule. The generator asks for
    /// <see cref="GeneratedConditions"/> (docs/benchmarks.md: with today's per-field probes, the shared checks cost
    /// more per event than the candidates they drop save).
    /// </summary>
    public static class PrefilterSelection
    {
        /// <summary>Contains-literals shorter than this would hit nearly every value (and slow the shared search);
        /// a literal with a non-ASCII character may be shorter (the RTLO rule's U+202E).</summary>
        public const int MinimumContainsLength = 3;

        /// <summary>At most this many conditions per rule (candidate-set slots in the engine).</summary>
        public const int MaximumConditions = 4;

        /// <summary>The conditions per rule the generator emits: measured on the corpus and the realistic event mix
        /// (docs/benchmarks.md, 2026-11-22), one condition was faster than four.</summary>
        public const int GeneratedConditions = 1;

        private static readonly HashSet<string> LowCardinalityFields = new HashSet<string>(StringComparer.Ordinal)
        {
            "host.os.type", "host.os.family", "host.os.platform", "host.os.name", "event.type", "event.kind", "event.outcome",
            "event.category", "agent.type", "network.direction", "network.transport", "network.type", "ecs.version",
            "data_stream.type", "data_stream.namespace",
        };

        // Fields of a few dozen values: an exact test on them still narrows (an integration's dataset rules out every
        // Elastic Defend event), but less than a process name does.
        // An integration's dataset rules out every event of the others: integration rules indexed by it instead of
        // by their own fields (okta.event_type ...) leave far fewer fields for the engine to read per event.
        private static readonly HashSet<string> DatasetFields = new HashSet<string>(StringComparer.Ordinal)
        {
            "event.dataset", "data_stream.dataset",
        };

        // Fields of a few dozen values, with the share of events one value lets through: an event.action of "start",
        // "exec" or "modification" is what most events of its category carry; a Windows event code or provider is one
        // of hundreds.
        private static readonly Dictionary<string, double> MediumCardinalityFields = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["event.action"] = 0.1, ["event.module"] = 0.2, ["event.code"] = 0.01, ["event.provider"] = 0.02,
        };

        public static PrefilterPlan? Select(EventQueryPlan plan, int maximumConditions = GeneratedConditions)
        {
            maximumConditions = Math.Max(1, Math.Min(maximumConditions, MaximumConditions));
            var conditions = new List<RulePrefilter>();
            Conjuncts(plan.Condition, conditions);
            var distinct = conditions.Distinct().ToList();
            var primary = Best(distinct);
            if (primary is null)
            {
                return null;
            }

            var chosen = new List<RulePrefilter> { primary };
            foreach (var extra in distinct.Where(c => !ReferenceEquals(c, primary) && c.IsAnchored && !c.Atoms.Any(a => a.Kind == PrefilterAtomKind.Exists))
                .OrderBy(c => c.Cost).ThenBy(c => c.Atoms.Count))
            {
                if (chosen.Count == maximumConditions)
                {
                    break;
                }

                chosen.Add(extra);
            }

            return new PrefilterPlan(chosen.ToArray());
        }

        /// <summary>The necessary conditions of the top-level conjuncts (an AND's operands, recursively).</summary>
        private static void Conjuncts(BoolExpr expr, List<RulePrefilter> conditions)
        {
            if (expr is AndExpr and)
            {
                foreach (var operand in and.Operands)
                {
                    Conjuncts(operand, conditions);
                }

                return;
            }

            if (Of(expr) is { } condition)
            {
                conditions.Add(condition);
            }
        }

        /// <summary>The most selective condition; one only on low-cardinality fields when there is no other.</summary>
        private static RulePrefilter? Best(IEnumerable<RulePrefilter> conditions)
        {
            RulePrefilter? best = null;
            foreach (var candidate in conditions)
            {
                if (best is null || (best.IsShared && !candidate.IsShared) || (best.IsShared == candidate.IsShared && candidate.Cost < best.Cost))
                {
                    best = candidate;
                }
            }

            return best;
        }

        public static bool IsLowCardinality(BoundField field) => LowCardinalityFields.Contains(field.Path);

        /// <summary>An atom most events of a category pass: any test on a low-cardinality field, except an
        /// <c>event.kind</c> other than "event" (alerts, signals, metrics are a small part of an event stream).</summary>
        public static bool IsCommon(PrefilterAtom atom) => IsLowCardinality(atom.Field) && !IsRareEventKind(atom);

        private static bool IsRareEventKind(PrefilterAtom atom) =>
            atom.Kind == PrefilterAtomKind.Exact && atom.Field.Path == "event.kind" && !string.Equals(atom.Literal, "event", StringComparison.OrdinalIgnoreCase);

        /// <summary>The estimated share of values an atom lets through: exact tests are nearly free of false
        /// candidates, anchored literals better than floating ones, longer literals better than short ones. A name
        /// (process.name, file.name ...) is selective from its first characters; a path or command line shares long
        /// heads (<c>C:\Windows\System32\</c>) with many others; a name prefix is still no better than an exact value.
        /// Presence of an integration's own (non-ECS) field says the event comes from that integration.</summary>
        public static double Cost(PrefilterAtom atom) => atom.Kind switch
        {
            PrefilterAtomKind.Exact when DatasetFields.Contains(atom.Field.Path) => 0.0005,
            PrefilterAtomKind.Exact when IsRareEventKind(atom) => 0.01,
            // The operating system splits every integration's events three ways; the other low-cardinality fields
            // mostly follow the event's category.
            PrefilterAtomKind.Exact when atom.Field.Path == "host.os.type" => 0.2,
            PrefilterAtomKind.Exact when LowCardinalityFields.Contains(atom.Field.Path) => 0.3,
            // A port or a process id: some values (443, 4) are common.
            PrefilterAtomKind.Exact when atom.Field.ValueKind == FieldValueKind.Integer => 0.01,
            PrefilterAtomKind.Exact => MediumCardinalityFields.TryGetValue(atom.Field.Path, out var share) ? share : 0.001,
            PrefilterAtomKind.Exists when IsIntegrationField(atom.Field) => 0.01,
            // Most fields are in most events of their category: presence is the last resort.
            PrefilterAtomKind.Exists => 50,
            PrefilterAtomKind.Prefix => IsName(atom.Field) ? Math.Max(0.001, Math.Pow(0.5, Selectivity(atom.Literal))) : Math.Pow(0.85, Selectivity(atom.Literal)),
            // A name's tail is mostly its extension (".exe").
            PrefilterAtomKind.Suffix => Math.Pow(0.85, Selectivity(atom.Literal)),
            _ => 2 * Math.Pow(0.85, Selectivity(atom.Literal)),
        };

        private static bool IsName(BoundField field) => field.Path.EndsWith(".name", StringComparison.Ordinal);

        // A field of one integration's events (winlog.*, auditd.*, an ML job's output), not Elastic Defend's own
        // extensions (*.Ext.*), which most endpoint events carry.
        private static bool IsIntegrationField(BoundField field) => !field.IsEcs && field.Path.IndexOf(".Ext.", StringComparison.Ordinal) < 0;

        private static RulePrefilter? Of(BoolExpr expr)
        {
            switch (expr)
            {
                case StringMatchExpr { Target: FieldExpr { Field: var field } } match when IsIndexable(field):
                    var atoms = new List<PrefilterAtom>();
                    foreach (var pattern in match.Patterns)
                    {
                        if (match.Kind == StringMatchKind.Regex)
                        {
                            // A regex the analysis does not read, or without a literal worth indexing, still needs a value.
                            if (RegexPrefilter.Atoms(field, pattern, match.CaseInsensitive) is not { } regexAtoms)
                            {
                                return Present(field);
                            }

                            atoms.AddRange(regexAtoms);
                            continue;
                        }

                        var atom = BestAtom(field, Tokens(match.Kind, pattern));
                        if (atom is null)
                        {
                            // A pattern without a literal worth indexing (`*`, `?`) still needs a value.
                            return Present(field);
                        }

                        atoms.Add(atom);
                    }

                    if (atoms.Count == 0 || (LowCardinalityFields.Contains(field.Path) && atoms.Any(a => a.Kind != PrefilterAtomKind.Exact)))
                    {
                        return null;
                    }

                    return new RulePrefilter(atoms.Distinct().ToArray());
                case StringMatchExpr { Target: FieldExpr { Field: var field } }:
                    return Present(field);
                case TextMatchExpr text:
                    return Present(text.Field);
                case TextMatchAnyExpr any:
                    return Present(any.Field);
                case TextTokenWildcardExpr tokenWildcard:
                    return Present(tokenWildcard.Field);
                case CidrMatchExpr { Target: FieldExpr { Field: var field } }:
                    return Present(field);
                case ExistsExpr exists:
                    return Present(exists.Field);
                // Equality of a single-valued ECS integer field with an integer (destination.port == 23): an exact
                // value, looked up by the engine as a number.
                case CompareExpr { Op: CompareOp.Equal, Left: FieldExpr { Field: var field }, Right: LiteralExpr { LiteralType: IrType.Integer } literal }
                    when IsIntegerIndexable(field, literal):
                    return IntegerExact(field, literal);
                case CompareExpr { Op: CompareOp.Equal, Left: LiteralExpr { LiteralType: IrType.Integer } literal, Right: FieldExpr { Field: var field } }
                    when IsIntegerIndexable(field, literal):
                    return IntegerExact(field, literal);
                // The generated comparison tests both operands for null first (RuleEmitter.Compare; its PresenceGuard
                // relies on the same), so a comparison of a field with a non-null literal fails without the field.
                case CompareExpr { Left: FieldExpr { Field: var field }, Right: LiteralExpr { LiteralType: not IrType.Null } }:
                    return Present(field);
                case CompareExpr { Left: LiteralExpr { LiteralType: not IrType.Null }, Right: FieldExpr { Field: var field } }:
                    return Present(field);
                case AndExpr and:
                    return Best(and.Operands.Select(Of).Where(c => c is not null)!);
                case OrExpr or:
                    var union = new List<PrefilterAtom>();
                    foreach (var operand in or.Operands)
                    {
                        var part = Of(operand);
                        if (part is null)
                        {
                            return null;
                        }

                        union.AddRange(part.Atoms);
                    }

                    return union.Count == 0 ? null : new RulePrefilter(union.Distinct().ToArray());
                default:
                    return null;
            }
        }

        /// <summary>A single-valued ECS integer field the engine reads as the matcher does (property, or every value
        /// where a document gave an array); the literal has C# literal text (long.MinValue has none).</summary>
        public static bool IsIntegerIndexable(BoundField field, LiteralExpr literal) =>
            field.ValueKind == FieldValueKind.Integer && field.IsEcs && !field.IsArray && literal.Integer != long.MinValue;

        private static RulePrefilter IntegerExact(BoundField field, LiteralExpr literal) =>
            new RulePrefilter(new[] { new PrefilterAtom(field, PrefilterAtomKind.Exact, literal.Integer.ToString(System.Globalization.CultureInfo.InvariantCulture), 0) });

        // Nearly every event of a category has its low-cardinality fields: their presence says nothing.
        private static RulePrefilter? Present(BoundField field) =>
            LowCardinalityFields.Contains(field.Path) ? null : new RulePrefilter(new[] { new PrefilterAtom(field, PrefilterAtomKind.Exists, string.Empty, 0) });

        /// <summary>
        /// String fields the engine can read exactly as the generated matcher does: ECS fields (single or array) and
        /// non-ECS (overflow) fields, optional or not; not text fields (their tests are on analysed tokens).
        /// Low-cardinality fields only by exact values (a pattern on host.os.type is rare and says little).
        /// </summary>
        public static bool IsIndexable(BoundField field) => field.ValueKind == FieldValueKind.String;

        // A pattern as a sequence of tokens: a literal character, AnyOne ('?', or a character the index does not
        // fold) or AnyRun ('*'). Non-ASCII characters are literals too: for every UTF-16 unit that is not a surrogate,
        // what OrdinalIgnoreCase (the matchers) equates with it the fold equates too (RegexPrefilterTests); a surrogate
        // pair's case mapping is the pair's, which the per-unit fold does not see.
        internal const char AnyOne = '\u0001';
        internal const char AnyRun = '\u0002';

        private static string Tokens(StringMatchKind kind, string pattern)
        {
            var b = new StringBuilder(pattern.Length + 2);
            if (kind == StringMatchKind.EndsWith || kind == StringMatchKind.Contains)
            {
                b.Append(AnyRun);
            }

            foreach (var c in pattern)
            {
                if (kind == StringMatchKind.Wildcard && c == '*')
                {
                    b.Append(AnyRun);
                }
                else if ((kind == StringMatchKind.Wildcard && c == '?') || char.IsSurrogate(c) || c == AnyOne || c == AnyRun)
                {
                    b.Append(AnyOne);
                }
                else
                {
                    b.Append(c);
                }
            }

            if (kind == StringMatchKind.StartsWith || kind == StringMatchKind.Contains)
            {
                b.Append(AnyRun);
            }

            return b.ToString();
        }

        /// <summary>The cheapest atom every value matching the token pattern passes; null when it requires no literal
        /// worth indexing (<c>*</c>, <c>?</c>, a two-letter contains ...).</summary>
        internal static PrefilterAtom? BestAtom(BoundField field, string tokens)
        {
            if (tokens.IndexOf(AnyOne) < 0 && tokens.IndexOf(AnyRun) < 0)
            {
                return new PrefilterAtom(field, PrefilterAtomKind.Exact, tokens, 0);
            }

            var candidates = new List<PrefilterAtom>();

            // Prefix: leading AnyOnes are an offset (value lengths are in UTF-16 units on both sides).
            var offset = 0;
            while (offset < tokens.Length && tokens[offset] == AnyOne)
            {
                offset++;
            }

            var prefix = LiteralRun(tokens, offset);
            if (prefix.Length > 0)
            {
                candidates.Add(new PrefilterAtom(field, PrefilterAtomKind.Prefix, prefix, offset));
            }

            var suffixStart = tokens.Length;
            while (suffixStart > 0 && IsLiteral(tokens[suffixStart - 1]))
            {
                suffixStart--;
            }

            if (suffixStart < tokens.Length && suffixStart > 0)
            {
                candidates.Add(new PrefilterAtom(field, PrefilterAtomKind.Suffix, tokens.Substring(suffixStart), 0));
            }

            for (var start = 0; start < tokens.Length;)
            {
                var run = LiteralRun(tokens, start);
                if (run.Length >= MinimumContainsLength || (run.Length > 0 && HasNonAscii(run)))
                {
                    candidates.Add(new PrefilterAtom(field, PrefilterAtomKind.Contains, run, 0));
                }

                start += Math.Max(run.Length, 1);
            }

            return candidates.OrderBy(Cost).ThenBy(a => a.Kind).FirstOrDefault();
        }

        private static bool HasNonAscii(string literal) => literal.Any(c => c >= 0x80);

        // A non-ASCII character (U+202E, the right-to-left override) is rare in paths, names and command lines: it
        // narrows like a few ASCII characters do.
        private static int Selectivity(string literal) => literal.Length + 3 * literal.Count(c => c >= 0x80);

        private static bool IsLiteral(char token) => token != AnyOne && token != AnyRun;

        private static string LiteralRun(string tokens, int start)
        {
            var end = start;
            while (end < tokens.Length && IsLiteral(tokens[end]))
            {
                end++;
            }

            return tokens.Substring(start, end - start);
        }
    }
}
