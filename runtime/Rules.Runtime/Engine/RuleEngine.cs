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
/// <item>by event category: one dispatch group per category, holding the rules for that category and the rules for
/// any category, so an event of one category (nearly all events) reads and probes each indexed field once; an event
/// of no known category meets the any-category group; an event of several known categories meets the group of every
/// rule, masked to the rules of its categories;</item>
/// <item>within a group, by prefilter: a rule's <see cref="RulePrefilter"/> is a conjunction of conditions, each a
/// disjunction of atoms (exact values, prefixes, suffixes, contained literals, presence) on string fields. Every atom
/// sits in one shared index per field; a condition k of rule r owns bit r of the k-th slot of the candidate set, and
/// the candidates are the rules whose bit is set in every slot (slots a rule has no condition for are preset).
/// Cheap shared checks (host.os.type, event.type ...) are such conditions, probed once per event for all rules.</item>
/// </list>
/// Every group numbers rules alike (their position among the engine's event rules), so matches come out in catalog
/// order, each once. Thread-safe for concurrent <see cref="Match"/> calls: everything is built in the constructor and
/// read-only afterwards (no locks on the hot path). <see cref="Match"/> allocates nothing.
/// </summary>
public sealed class RuleEngine
{
    private readonly EventRule[] _eventRules;
    private readonly DispatchGroup _anyCategory;
    private readonly FrozenDictionary<string, DispatchGroup> _byCategory;
    private readonly DispatchGroup _everyRule;
    private readonly FrozenDictionary<string, ulong[]> _categoryMasks;
    private readonly ulong[] _anyCategoryMask;

    public RuleEngine(IEnumerable<CompiledRule> rules)
    {
        var all = new List<CompiledRule>(rules);
        Rules = all;
        _eventRules = all.OfType<EventRule>().ToArray();
        var words = CandidateSet.WordsFor(_eventRules.Length);
        var anyCategory = new List<int>();
        var byCategory = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var id = 0; id < _eventRules.Length; id++)
        {
            if (_eventRules[id].EventCategories.Count == 0)
            {
                anyCategory.Add(id);
                continue;
            }

            foreach (var category in _eventRules[id].EventCategories.Distinct(StringComparer.Ordinal))
            {
                if (!byCategory.TryGetValue(category, out var list))
                {
                    byCategory[category] = list = new List<int>();
                }

                list.Add(id);
            }
        }

        _anyCategory = new DispatchGroup(_eventRules, anyCategory);
        _anyCategoryMask = Mask(words, anyCategory);
        _byCategory = byCategory.ToFrozenDictionary(p => p.Key, p => new DispatchGroup(_eventRules, p.Value.Concat(anyCategory)), StringComparer.Ordinal);
        _categoryMasks = byCategory.ToFrozenDictionary(p => p.Key, p => Mask(words, p.Value), StringComparer.Ordinal);
        _everyRule = new DispatchGroup(_eventRules, Enumerable.Range(0, _eventRules.Length));
    }

    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>
    /// Adds to <paramref name="matches"/> every single-event rule the event matches, each once. Does not allocate
    /// when <paramref name="matches"/> has capacity.
    /// </summary>
    public void Match(EcsEvent e, List<EventRule> matches)
    {
        var categories = e.Event?.Category;
        DispatchGroup? only = null;
        var known = 0;
        if (categories is not null)
        {
            for (var i = 0; i < categories.Length; i++)
            {
                // Counts changes of group: 1 exactly when every known category is the same one.
                if (categories[i] is { } category && _byCategory.TryGetValue(category, out var group) && !ReferenceEquals(group, only))
                {
                    only = group;
                    known++;
                }
            }
        }

        if (known == 0)
        {
            _anyCategory.Match(e, matches, mask: default);
        }
        else if (known == 1)
        {
            only!.Match(e, matches, mask: default);
        }
        else
        {
            // Several categories: every rule's group, restricted to the rules of these categories and any category.
            Span<ulong> mask = stackalloc ulong[_anyCategoryMask.Length];
            _anyCategoryMask.CopyTo(mask);
            foreach (var category in categories!)
            {
                if (category is not null && _categoryMasks.TryGetValue(category, out var rules))
                {
                    for (var w = 0; w < mask.Length; w++)
                    {
                        mask[w] |= rules[w];
                    }
                }
            }

            _everyRule.Match(e, matches, mask);
        }
    }

    private static ulong[] Mask(int words, IEnumerable<int> ids)
    {
        var mask = new ulong[words];
        foreach (var id in ids)
        {
            mask[id >> 6] |= 1UL << (id & 63);
        }

        return mask;
    }

    /// <summary>
    /// Some of the engine's rules, indexed for one kind of event. Candidate set layout: one slot of
    /// <c>words</c> words per prefilter condition position; rule r's k-th condition sets bit r of slot k. Per event:
    /// start from the preset slots (rules without a prefilter in slot 0; rules with fewer than k+1 conditions in slot
    /// k), let each field index and presence test mark what the event's values select, AND the slots, run the result.
    /// </summary>
    private sealed class DispatchGroup
    {
        // A candidate set this large would need more than 16 KB of stack: rent it instead.
        private const int MaxStackWords = 2048;

        private readonly EventRule[] _rules;
        private readonly int _words;
        private readonly int _slots;
        private readonly ulong[] _preset;
        private readonly FieldPrefilterIndex[] _indexes;
        private readonly (Func<EcsEvent, bool> HasValue, RuleMarks Rules)[] _presence;

        public DispatchGroup(EventRule[] rules, IEnumerable<int> members)
        {
            _rules = rules;
            _words = CandidateSet.WordsFor(rules.Length);
            var ids = members.Distinct().ToArray();
            _slots = Math.Max(1, ids.Select(id => rules[id].Prefilter?.Conditions.Count ?? 0).DefaultIfEmpty(0).Max());
            _preset = new ulong[_slots * _words];
            var slotBits = _words * 64;
            var byField = new Dictionary<string, List<(PrefilterAtom Atom, int Bit)>>(StringComparer.Ordinal);
            var presence = new Dictionary<string, (Func<EcsEvent, bool> HasValue, List<int> Bits)>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                var conditions = rules[id].Prefilter?.Conditions ?? Array.Empty<IReadOnlyList<PrefilterAtom>>();
                for (var slot = 0; slot < _slots; slot++)
                {
                    var bit = slot * slotBits + id;
                    if (slot >= conditions.Count)
                    {
                        _preset[bit >> 6] |= 1UL << (bit & 63);
                        continue;
                    }

                    foreach (var atom in conditions[slot])
                    {
                        if (atom.Kind == PrefilterAtomKind.Exists)
                        {
                            if (!presence.TryGetValue(atom.Field.Path, out var present))
                            {
                                presence[atom.Field.Path] = present = (atom.Field.HasValue!, new List<int>());
                            }

                            present.Bits.Add(bit);
                            continue;
                        }

                        if (!byField.TryGetValue(atom.Field.Path, out var atoms))
                        {
                            byField[atom.Field.Path] = atoms = new List<(PrefilterAtom, int)>();
                        }

                        atoms.Add((atom, bit));
                    }
                }
            }

            _indexes = byField.Values.Select(FieldPrefilterIndex.Build).ToArray();
            _presence = presence.Values.Select(p => (p.HasValue, RuleMarks.Create(p.Bits))).ToArray();
        }

        /// <summary>Runs the candidates (only those in <paramref name="mask"/> when it is not empty).</summary>
        public void Match(EcsEvent e, List<EventRule> matches, ReadOnlySpan<ulong> mask)
        {
            var length = _preset.Length;
            ulong[]? rented = null;
            var candidates = length <= MaxStackWords ? stackalloc ulong[length] : (rented = ArrayPool<ulong>.Shared.Rent(length)).AsSpan(0, length);
            _preset.CopyTo(candidates);
            foreach (var index in _indexes)
            {
                index.Collect(e, candidates);
            }

            foreach (var (hasValue, rules) in _presence)
            {
                if (hasValue(e))
                {
                    rules.MarkInto(candidates);
                }
            }

            for (var w = 0; w < _words; w++)
            {
                var word = candidates[w];
                for (var slot = 1; slot < _slots && word != 0; slot++)
                {
                    word &= candidates[slot * _words + w];
                }

                if (!mask.IsEmpty)
                {
                    word &= mask[w];
                }

                while (word != 0)
                {
                    var rule = _rules[(w << 6) | BitOperations.TrailingZeroCount(word)];
                    word &= word - 1;
                    if (rule.MatchesCondition(e))
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
    }
}
