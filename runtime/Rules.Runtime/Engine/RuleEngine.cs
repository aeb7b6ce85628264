using System;
using System.Collections.Frozen;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>
/// Runs compiled single-event rules over events. Rules are grouped by the event categories they need (decided at
/// build time), so an event is only offered to the rules its <c>event.category</c> values can match; rules that
/// apply to any event are offered every event. Thread-safe for concurrent <see cref="Match"/> calls: all state is
/// built in the constructor and read-only afterwards (no locks on the hot path).
/// </summary>
public sealed class RuleEngine
{
    private readonly EventRule[] _anyCategoryRules;
    private readonly FrozenDictionary<string, EventRule[]> _rulesByCategory;
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

        _anyCategoryRules = anyCategory.ToArray();
        var frozen = new Dictionary<string, EventRule[]>(StringComparer.Ordinal);
        foreach (var pair in byCategory)
        {
            frozen[pair.Key] = pair.Value.ToArray();
        }

        _rulesByCategory = frozen.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>
    /// Adds to <paramref name="matches"/> every single-event rule the event matches, each once. Does not allocate
    /// when <paramref name="matches"/> has capacity.
    /// </summary>
    public void Match(EcsEvent e, List<EventRule> matches)
    {
        foreach (var rule in _anyCategoryRules)
        {
            if (rule.MatchesCondition(e))
            {
                matches.Add(rule);
            }
        }

        var categories = e.Event?.Category;
        if (categories is null)
        {
            return;
        }

        var firstNew = matches.Count;
        for (var i = 0; i < categories.Length; i++)
        {
            var category = categories[i];
            if (category is null || !_rulesByCategory.TryGetValue(category, out var rules) || AppearsEarlier(categories, i))
            {
                continue;
            }

            foreach (var rule in rules)
            {
                if (rule.MatchesCondition(e) && !(_hasMultiCategoryRules && AlreadyMatched(matches, firstNew, rule)))
                {
                    matches.Add(rule);
                }
            }
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
