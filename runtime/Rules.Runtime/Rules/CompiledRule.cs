using System;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>A rule compiled at build time. Generated code derives from the kind-specific subclasses.</summary>
public abstract class CompiledRule
{
    protected CompiledRule(RuleMetadata metadata, IReadOnlyList<string> eventCategories)
    {
        Metadata = metadata;
        EventCategories = eventCategories;
    }

    public RuleMetadata Metadata { get; }

    /// <summary>The EQL event categories an event must have for this rule to apply (empty: any event), decided at
    /// build time; the engine dispatches on it.</summary>
    public IReadOnlyList<string> EventCategories { get; }

    public override string ToString() => Metadata.ToString();
}

/// <summary>A rule that decides on one event at a time (EQL without sequence or sample, KQL, query-DSL filters).</summary>
public abstract class EventRule : CompiledRule
{
    protected EventRule(RuleMetadata metadata, IReadOnlyList<string> eventCategories)
        : base(metadata, eventCategories)
    {
    }

    /// <summary>True when the event matches the rule, event category included. Never allocates.</summary>
    public abstract bool Matches(EcsEvent e);

    /// <summary>The rule's condition without the event-category test, for an engine that already dispatched by
    /// category. Never allocates.</summary>
    public abstract bool MatchesCondition(EcsEvent e);

    /// <summary>A necessary condition the engine may index this rule by (null: none); see <see cref="RulePrefilter"/>.</summary>
    public virtual RulePrefilter? Prefilter => null;
}
