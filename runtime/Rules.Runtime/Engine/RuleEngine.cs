using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;

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
    private readonly CategoryTable<DispatchGroup> _byCategory;
    private readonly DispatchGroup _everyRule;
    private readonly CategoryTable<ulong[]> _categoryMasks;
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
        _byCategory = new CategoryTable<DispatchGroup>(byCategory.Select(p => KeyValuePair.Create(p.Key, new DispatchGroup(_eventRules, p.Value.Concat(anyCategory)))));
        _categoryMasks = new CategoryTable<ulong[]>(byCategory.Select(p => KeyValuePair.Create(p.Key, Mask(words, p.Value))));
        _everyRule = new DispatchGroup(_eventRules, Enumerable.Range(0, _eventRules.Length));
    }

    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>The group an event of these categories meets first (profiling: benchmarks/Rules.CorpusBenchmarks).</summary>
    internal DispatchGroup GroupFor(string? category) =>
        (category is null ? null : _byCategory.Find(category)) ?? _anyCategory;

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
                if (categories[i] is { } category && _byCategory.Find(category) is { } group && !ReferenceEquals(group, only))
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
            MatchSeveralCategories(e, categories!, matches);
        }
    }

    // Kept out of Match: its stack buffer would make every call of Match pay for the rare case.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MatchSeveralCategories(EcsEvent e, string?[] categories, List<EventRule> matches)
    {
        // Several categories: every rule's group, restricted to the rules of these categories and any category.
        Span<ulong> mask = stackalloc ulong[_anyCategoryMask.Length];
        _anyCategoryMask.CopyTo(mask);
        foreach (var category in categories)
        {
            if (category is not null && _categoryMasks.Find(category) is { } rules)
            {
                for (var w = 0; w < mask.Length; w++)
                {
                    mask[w] |= rules[w];
                }
            }
        }

        _everyRule.Match(e, matches, mask);
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
    internal sealed class DispatchGroup
    {
        // A candidate set this large would need more than 16 KB of stack: rent it instead.
        private const int MaxStackWords = 2048;

        private readonly EventRule[] _rules;
        private readonly int _words;
        private readonly int _slots;
        private readonly ulong[] _preset;
        private readonly FieldPrefilterIndex[] _indexes;

        private readonly (FieldPrefilterIndex Index, ulong[] Owners)[] _searches;
        private readonly bool _skipSearches;
        private readonly FieldPrefilterIndex?[] _overflowIndexes;
        private readonly (FieldPrefilterIndex Index, ulong[] Owners)?[] _overflowSearches;

        internal IEnumerable<FieldPrefilterIndex> Indexes => _indexes.Concat(_roots.SelectMany(r => r.Indexes)).Concat(_searches.Select(s => s.Index))
            .Concat(_overflowIndexes.OfType<FieldPrefilterIndex>()).Concat(_overflowSearches.Where(s => s is not null).Select(s => s!.Value.Index));

        internal int Slots => _slots;
        private readonly (Func<EcsEvent, bool> HasValue, RuleMarks Rules)[] _presence;
        private readonly RootGroup[] _roots;

        public DispatchGroup(EventRule[] rules, IEnumerable<int> members)
        {
            _rules = rules;
            _words = CandidateSet.WordsFor(rules.Length);
            var ids = members.Distinct().ToArray();
            var probed = ProbedFields(rules, ids);
            var conditionsOf = ids.ToDictionary(id => id, id => WorthProbing(rules[id], probed));
            _slots = Math.Max(1, conditionsOf.Values.Select(c => c.Count).DefaultIfEmpty(0).Max());
            _preset = new ulong[_slots * _words];
            var slotBits = _words * 64;
            // Per field, anchored atoms (exact, prefix, suffix: hash and trie walks) apart from contained literals (a
            // search through the whole value), so the searches can wait until the cheap probes have ruled rules out.
            var byField = new Dictionary<(string Path, bool Contains), List<(PrefilterAtom Atom, int Bit)>>();
            var containsOwners = new Dictionary<string, ulong[]>(StringComparer.Ordinal);
            var containsOnlyFirst = true;
            var presence = new Dictionary<string, (Func<EcsEvent, bool> HasValue, List<int> Bits)>(StringComparer.Ordinal);
            var presenceFields = new Dictionary<string, PrefilterField>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                var conditions = conditionsOf[id];
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
                                presenceFields[atom.Field.Path] = atom.Field;
                            }

                            present.Bits.Add(bit);
                            continue;
                        }

                        var contains = atom.Kind == PrefilterAtomKind.Contains;
                        if (!byField.TryGetValue((atom.Field.Path, contains), out var atoms))
                        {
                            byField[(atom.Field.Path, contains)] = atoms = new List<(PrefilterAtom, int)>();
                        }

                        atoms.Add((atom, bit));
                        if (contains)
                        {
                            containsOnlyFirst &= slot == 0;
                            if (!containsOwners.TryGetValue(atom.Field.Path, out var owners))
                            {
                                containsOwners[atom.Field.Path] = owners = new ulong[_words];
                            }

                            owners[id >> 6] |= 1UL << (id & 63);
                        }
                    }
                }
            }

            // Non-ECS fields are many (every integration's) and nearly always absent: they are probed through the
            // event's own list of filled overflow slots rather than one by one.
            var built = byField.Select(p => (p.Key.Contains, Index: FieldPrefilterIndex.Build(p.Value), Owners: p.Key.Contains ? containsOwners[p.Key.Path] : null)).ToArray();
            // ECS fields under an object (dll.name under dll) are probed only when the event has the object: one test
            // for all of them (most events lack most objects).
            var anchored = built.Where(b => !b.Contains && b.Index.OverflowSlot < 0).Select(b => b.Index).ToList();
            _indexes = anchored.Where(i => i.Field.HasRoot is null).ToArray();
            var presenceEntries = presence.Select(p => (Field: presenceFields[p.Key], Entry: (p.Value.HasValue, Rules: RuleMarks.Create(p.Value.Bits)))).ToList();
            _presence = presenceEntries.Where(p => p.Field.HasRoot is null).Select(p => p.Entry).ToArray();
            _roots = anchored.Where(i => i.Field.HasRoot is not null).Select(i => (Root: i.Field.Root!, HasRoot: i.Field.HasRoot!))
                .Concat(presenceEntries.Where(p => p.Field.HasRoot is not null).Select(p => (Root: p.Field.Root!, HasRoot: p.Field.HasRoot!)))
                .GroupBy(r => r.Root, StringComparer.Ordinal)
                .Select(g => new RootGroup(
                    g.First().HasRoot,
                    anchored.Where(i => i.Field.Root == g.Key).ToArray(),
                    presenceEntries.Where(p => p.Field.Root == g.Key).Select(p => p.Entry).ToArray()))
                .ToArray();
            _searches = built.Where(b => b.Contains && b.Index.OverflowSlot < 0).Select(b => (b.Index, b.Owners!)).ToArray();
            var slots = built.Select(b => b.Index.OverflowSlot).DefaultIfEmpty(-1).Max() + 1;
            _overflowIndexes = new FieldPrefilterIndex?[slots];
            _overflowSearches = new (FieldPrefilterIndex Index, ulong[] Owners)?[slots];
            foreach (var (contains, index, owners) in built.Where(b => b.Index.OverflowSlot >= 0))
            {
                if (contains)
                {
                    _overflowSearches[index.OverflowSlot] = (index, owners!);
                }
                else
                {
                    _overflowIndexes[index.OverflowSlot] = index;
                }
            }

            // Skipping a search is exact only when every later condition is decided before the searches run.
            _skipSearches = containsOnlyFirst && _slots > 1;
        }

        private static void Presence(EcsEvent e, (Func<EcsEvent, bool> HasValue, RuleMarks Rules)[] tests, Span<ulong> candidates)
        {
            foreach (var (hasValue, rules) in tests)
            {
                if (hasValue(e))
                {
                    rules.MarkInto(candidates);
                }
            }
        }

        private sealed record RootGroup(Func<EcsEvent, bool> HasRoot, FieldPrefilterIndex[] Indexes, (Func<EcsEvent, bool> HasValue, RuleMarks Rules)[] Presence);

        // A later condition is dropped (always safe: the prefilter only widens) when it would add a field to probe for
        // few rules: every event would pay for reading it. Kept: conditions on fields the group probes anyway (some
        // rule's first condition is on them) or that many rules share (host.os.type, event.type ...).
        private const int SharedFieldRules = 16;

        private static IReadOnlyList<IReadOnlyList<PrefilterAtom>> WorthProbing(EventRule rule, HashSet<string> probed)
        {
            var conditions = rule.Prefilter?.Conditions ?? Array.Empty<IReadOnlyList<PrefilterAtom>>();
            if (conditions.Count <= 1)
            {
                return conditions;
            }

            return conditions.Where((condition, k) => k == 0 || condition.All(atom => probed.Contains(atom.Field.Path))).ToArray();
        }

        // Per member set: the fields of first conditions, and fields that many members' conditions use.
        private static HashSet<string> ProbedFields(EventRule[] rules, int[] members)
        {
            var probed = new HashSet<string>(StringComparer.Ordinal);
            var users = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var id in members)
            {
                var conditions = rules[id].Prefilter?.Conditions;
                if (conditions is null)
                {
                    continue;
                }

                foreach (var atom in conditions[0])
                {
                    probed.Add(atom.Field.Path);
                }

                foreach (var path in conditions.SelectMany(c => c).Select(a => a.Field.Path).Distinct())
                {
                    users[path] = users.TryGetValue(path, out var count) ? count + 1 : 1;
                }
            }

            probed.UnionWith(users.Where(p => p.Value >= SharedFieldRules).Select(p => p.Key));
            return probed;
        }

        // The contained-literal searches, each only while some rule searching its field has passed all its other
        // conditions (slots 1.., all decided by now when _skipSearches).
        private void Search(EcsEvent e, Span<ulong> candidates, ReadOnlySpan<int> filled)
        {
            Span<ulong> passesLater = stackalloc ulong[_skipSearches ? _words : 0];
            for (var w = 0; w < passesLater.Length; w++)
            {
                var word = candidates[_words + w];
                for (var slot = 2; slot < _slots; slot++)
                {
                    word &= candidates[slot * _words + w];
                }

                passesLater[w] = word;
            }

            foreach (var (search, owners) in _searches)
            {
                if (!_skipSearches || Intersects(owners, passesLater))
                {
                    search.Collect(e, candidates);
                }
            }

            for (var i = 0; i < filled.Length; i++)
            {
                if ((uint)filled[i] < (uint)_overflowSearches.Length && _overflowSearches[filled[i]] is var (search, owners)
                    && (!_skipSearches || Intersects(owners, passesLater)))
                {
                    search.Collect(e, candidates);
                }
            }
        }

        private static bool Intersects(ulong[] owners, ReadOnlySpan<ulong> rules)
        {
            for (var w = 0; w < owners.Length; w++)
            {
                if ((owners[w] & rules[w]) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Runs the candidates (only those in <paramref name="mask"/> when it is not empty).</summary>
        public void Match(EcsEvent e, List<EventRule> matches, ReadOnlySpan<ulong> mask)
        {
            var length = _preset.Length;
            ulong[]? rented = null;
            var candidates = length <= MaxStackWords ? stackalloc ulong[length] : (rented = ArrayPool<ulong>.Shared.Rent(length)).AsSpan(0, length);
            _preset.CopyTo(candidates);
            var overflow = e.Overflow;
            var holdsEcsValues = overflow.HoldsEcsValues;
            foreach (var index in _indexes)
            {
                index.Collect(e, holdsEcsValues, candidates);
            }

            var filled = overflow.UsedSlotSpan;
            for (var i = 0; i < filled.Length; i++)
            {
                if ((uint)filled[i] < (uint)_overflowIndexes.Length && _overflowIndexes[filled[i]] is { } index)
                {
                    index.Collect(e, holdsEcsValues, candidates);
                }
            }

            Presence(e, _presence, candidates);

            // A value spilled to overflow (an array for a single-valued field, a value of the wrong shape) may stand
            // without its object: then every field is read.
            foreach (var root in _roots)
            {
                if (holdsEcsValues || root.HasRoot(e))
                {
                    foreach (var index in root.Indexes)
                    {
                        index.Collect(e, holdsEcsValues, candidates);
                    }

                    Presence(e, root.Presence, candidates);
                }
            }

            Search(e, candidates, filled);

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
