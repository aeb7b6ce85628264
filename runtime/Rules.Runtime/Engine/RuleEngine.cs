using System;
using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace Rules.Runtime;

/// <summary>
/// Runs compiled single-event rules over events, offering each event only to the rules that can match it:
/// <list type="number">
/// <item>by event category: rules are grouped by the categories they need (decided at build time); rules for any
/// category form their own group;</item>
/// <item>within a group, by prefilter: a rule with a <see cref="RulePrefilter"/> (a necessary condition: exact values,
/// prefixes, suffixes or contained literals of string fields) sits in one shared index per field, so reading each
/// indexed field once finds the only rules that can match; rules without one always run.</item>
/// </list>
/// Thread-safe for concurrent <see cref="Match"/> calls: everything is built in the constructor and read-only
/// afterwards (no locks on the hot path). <see cref="Match"/> allocates nothing.
/// </summary>
public sealed class RuleEngine
{
    private readonly RuleGroup _anyCategory;
    private readonly FrozenDictionary<string, RuleGroup> _byCategory;
    private readonly bool _hasMultiCategoryRules;

    public RuleEngine(IEnumerable<CompiledRule> rules)
    {
        var all = new List<CompiledRule>(rules);
        Rules = all;
        var anyCategory = new List<EventRule>();
        var byCategory = new Dictionary<string, List<EventRule>>(StringComparer.Ordinal);
        foreach (var rule in all)
        {
            if (rule is not EventRule eventRule)
            {
                continue;
            }

            if (eventRule.EventCategories.Count == 0)
            {
                anyCategory.Add(eventRule);
                continue;
            }

            _hasMultiCategoryRules |= eventRule.EventCategories.Count > 1;
            foreach (var category in eventRule.EventCategories)
            {
                if (!byCategory.TryGetValue(category, out var list))
                {
                    byCategory[category] = list = new List<EventRule>();
                }

                list.Add(eventRule);
            }
        }

        _anyCategory = new RuleGroup(anyCategory);
        var groups = new Dictionary<string, RuleGroup>(StringComparer.Ordinal);
        foreach (var pair in byCategory)
        {
            groups[pair.Key] = new RuleGroup(pair.Value);
        }

        _byCategory = groups.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>
    /// Adds to <paramref name="matches"/> every single-event rule the event matches, each once. Does not allocate
    /// when <paramref name="matches"/> has capacity.
    /// </summary>
    public void Match(EcsEvent e, List<EventRule> matches)
    {
        _anyCategory.Match(e, matches, firstNew: matches.Count, deduplicate: false);
        var categories = e.Event?.Category;
        if (categories is null)
        {
            return;
        }

        var firstNew = matches.Count;
        for (var i = 0; i < categories.Length; i++)
        {
            var category = categories[i];
            if (category is null || !_byCategory.TryGetValue(category, out var group) || AppearsEarlier(categories, i))
            {
                continue;
            }

            group.Match(e, matches, firstNew, deduplicate: _hasMultiCategoryRules);
        }
    }

    // An event listing the same category twice must not run its rules twice.
    private static bool AppearsEarlier(string?[] categories, int index)
    {
        for (var j = 0; j < index; j++)
        {
            if (string.Equals(categories[j], categories[index], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The rules of one category. Every rule has an id (its position, so matches come out in catalog order); rules with
    /// a prefilter are indexed per field (<see cref="FieldPrefilterIndex"/>), the others are always candidates. Per event:
    /// start from the always-run set, let each field index mark what the event's values select, run the candidates.
    /// </summary>
    private sealed class RuleGroup
    {
        // A group this large would need more than 16 KB of stack for its candidate set: rent it instead.
        private const int MaxStackWords = 2048;

        private readonly EventRule[] _rules;
        private readonly ulong[] _alwaysRun;
        private readonly FieldPrefilterIndex[] _indexes;
        private readonly (Func<EcsEvent, bool> HasValue, int[] Rules)[] _presence;

        public RuleGroup(List<EventRule> rules)
        {
            _rules = rules.ToArray();
            _alwaysRun = new ulong[CandidateSet.WordsFor(_rules.Length)];
            var byField = new Dictionary<string, List<(PrefilterAtom Atom, int Rule)>>(StringComparer.Ordinal);
            var presence = new Dictionary<string, (Func<EcsEvent, bool> HasValue, SortedSet<int> Rules)>(StringComparer.Ordinal);
            for (var id = 0; id < _rules.Length; id++)
            {
                var prefilter = _rules[id].Prefilter;
                if (prefilter is null)
                {
                    _alwaysRun[id >> 6] |= 1UL << (id & 63);
                    continue;
                }

                foreach (var atom in prefilter.Atoms)
                {
                    if (atom.Kind == PrefilterAtomKind.Exists)
                    {
                        if (!presence.TryGetValue(atom.Field.Path, out var present))
                        {
                            presence[atom.Field.Path] = present = (atom.Field.HasValue!, new SortedSet<int>());
                        }

                        present.Rules.Add(id);
                        continue;
                    }

                    if (!byField.TryGetValue(atom.Field.Path, out var atoms))
                    {
                        byField[atom.Field.Path] = atoms = new List<(PrefilterAtom, int)>();
                    }

                    atoms.Add((atom, id));
                }
            }

            var indexes = new List<FieldPrefilterIndex>();
            foreach (var pair in byField)
            {
                indexes.Add(FieldPrefilterIndex.Build(pair.Value));
            }

            _indexes = indexes.ToArray();
            _presence = presence.Values.Select(p => (p.HasValue, p.Rules.ToArray())).ToArray();
        }

        public void Match(EcsEvent e, List<EventRule> matches, int firstNew, bool deduplicate)
        {
            var words = _alwaysRun.Length;
            ulong[]? rented = null;
            var candidates = words <= MaxStackWords ? stackalloc ulong[words] : (rented = ArrayPool<ulong>.Shared.Rent(words)).AsSpan(0, words);
            _alwaysRun.CopyTo(candidates);
            foreach (var index in _indexes)
            {
                index.Collect(e, candidates);
            }

            foreach (var (hasValue, rules) in _presence)
            {
                if (hasValue(e))
                {
                    CandidateSet.Mark(candidates, rules);
                }
            }

            for (var w = 0; w < words; w++)
            {
                var word = candidates[w];
                while (word != 0)
                {
                    var rule = _rules[(w << 6) | BitOperations.TrailingZeroCount(word)];
                    word &= word - 1;
                    if (rule.MatchesCondition(e) && !(deduplicate && AlreadyMatched(matches, firstNew, rule)))
                    {
                        matches.Add(rule);
                    }
                }
            }

            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }

        private static bool AlreadyMatched(List<EventRule> matches, int from, EventRule rule)
        {
            for (var i = from; i < matches.Count; i++)
            {
                if (ReferenceEquals(matches[i], rule))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
