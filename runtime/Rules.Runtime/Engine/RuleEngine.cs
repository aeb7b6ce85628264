using System;
using System.Collections.Frozen;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>
/// Runs compiled single-event rules over events, offering each event only to the rules that can match it:
/// <list type="number">
/// <item>by event category: rules are grouped by the categories they need (decided at build time); rules for any
/// category form their own group;</item>
/// <item>within a group, by anchor: a rule with a <see cref="RuleAnchor"/> sits in a hash table under each of its
/// values, so one lookup of the event's value (per anchored field) finds the only rules that can match; the rest
/// are run in turn.</item>
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

    /// <summary>The rules of one category: anchored ones indexed by value, the others run in turn.</summary>
    private sealed class RuleGroup
    {
        private readonly AnchorIndex[] _indexes;
        private readonly EventRule[] _unanchored;
        private readonly EventRule[] _all;

        public RuleGroup(List<EventRule> rules)
        {
            _all = rules.ToArray();
            var unanchored = new List<EventRule>();
            var byField = new Dictionary<(string Field, bool IgnoreCase), (Func<EcsEvent, string?> Read, Dictionary<string, List<EventRule>> Rules)>();
            foreach (var rule in rules)
            {
                var anchor = rule.Anchor;
                if (anchor is null)
                {
                    unanchored.Add(rule);
                    continue;
                }

                var key = (anchor.FieldPath, anchor.IgnoreCase);
                if (!byField.TryGetValue(key, out var index))
                {
                    index = (anchor.Read, new Dictionary<string, List<EventRule>>(anchor.IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal));
                    byField[key] = index;
                }

                foreach (var value in anchor.Values)
                {
                    if (!index.Rules.TryGetValue(value, out var list))
                    {
                        index.Rules[value] = list = new List<EventRule>();
                    }

                    if (!list.Contains(rule))
                    {
                        list.Add(rule);
                    }
                }
            }

            _unanchored = unanchored.ToArray();
            var indexes = new List<AnchorIndex>();
            foreach (var pair in byField)
            {
                var frozen = new Dictionary<string, EventRule[]>(pair.Value.Rules.Comparer);
                foreach (var entry in pair.Value.Rules)
                {
                    frozen[entry.Key] = entry.Value.ToArray();
                }

                indexes.Add(new AnchorIndex(pair.Value.Read, frozen.ToFrozenDictionary(pair.Value.Rules.Comparer)));
            }

            _indexes = indexes.ToArray();
        }

        public void Match(EcsEvent e, List<EventRule> matches, int firstNew, bool deduplicate)
        {
            if (e.Overflow.HoldsEcsValues)
            {
                // An array in a single-valued ECS field (docs/event-record.md): an anchor reads the first value only,
                // so every rule runs; their conditions read every value.
                Run(_all, e, matches, firstNew, deduplicate);
                return;
            }

            foreach (var index in _indexes)
            {
                var value = index.Read(e);
                if (value is null || !index.RulesByValue.TryGetValue(value, out var candidates))
                {
                    continue;
                }

                Run(candidates, e, matches, firstNew, deduplicate);
            }

            Run(_unanchored, e, matches, firstNew, deduplicate);
        }

        private static void Run(EventRule[] rules, EcsEvent e, List<EventRule> matches, int firstNew, bool deduplicate)
        {
            foreach (var rule in rules)
            {
                if (rule.MatchesCondition(e) && !(deduplicate && AlreadyMatched(matches, firstNew, rule)))
                {
                    matches.Add(rule);
                }
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

    private sealed record AnchorIndex(Func<EcsEvent, string?> Read, FrozenDictionary<string, EventRule[]> RulesByValue);
}
