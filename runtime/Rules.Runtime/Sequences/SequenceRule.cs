using System;
using System.Collections.Generic;

namespace Rules.Runtime.Sequences;

/// <summary>What a <see cref="SequenceRule"/> joins: ordered stages (<c>sequence</c>) or an unordered group (<c>sample</c>).</summary>
public enum SequenceRuleKind
{
    Sequence,
    Sample,
}

/// <summary>A pipe applied to a rule's stream of matches.</summary>
public enum SequencePipeKind
{
    /// <summary><c>| head N</c>: the first N matches; later ones are dropped.</summary>
    Head,
    /// <summary><c>| tail N</c>: the last N matches, released when the stream ends (<see cref="SequenceEngine.Complete"/>).</summary>
    Tail,
}

/// <summary>One <c>| head N</c> or <c>| tail N</c> pipe.</summary>
public sealed record SequencePipe(SequencePipeKind Kind, int Count);

/// <summary>
/// A rule over several events (EQL <c>sequence</c> or <c>sample</c>), compiled at build time. The generated subclass
/// supplies one predicate and one key extraction per stage; <see cref="SequenceEngine"/> keeps the state. Stages are
/// numbered after <c>with runs=N</c> is expanded (a stage with runs=3 is three consecutive stages), as Elasticsearch
/// does. docs/sequences.md describes the semantics.
/// </summary>
public abstract class SequenceRule : CompiledRule
{
    private readonly bool[] _missingStages;

    /// <param name="metadata">The rule file's metadata.</param>
    /// <param name="eventCategories">Union of the categories of every stage (until and missing stages too); empty
    /// when any stage accepts any category.</param>
    /// <param name="kind">Sequence or sample.</param>
    /// <param name="keyCount">Join keys per stage (shared <c>by</c> keys first, then the stage's own).</param>
    /// <param name="missingStages">One flag per expanded stage: true for a missing-event stage <c>![...]</c>.</param>
    /// <param name="maxSpanMilliseconds">The sequence's maxspan (null: unbounded; always null for a sample).</param>
    /// <param name="hasUntil">Whether the sequence has an <c>until</c> stage.</param>
    /// <param name="pipes">The <c>| head</c> / <c>| tail</c> pipes, in order.</param>
    protected SequenceRule(
        RuleMetadata metadata,
        IReadOnlyList<string> eventCategories,
        SequenceRuleKind kind,
        int keyCount,
        bool[] missingStages,
        long? maxSpanMilliseconds,
        bool hasUntil,
        SequencePipe[] pipes)
        : base(metadata, eventCategories)
    {
        ArgumentNullException.ThrowIfNull(missingStages);
        ArgumentNullException.ThrowIfNull(pipes);
        ArgumentOutOfRangeException.ThrowIfNegative(keyCount);
        if (missingStages.Length < 2)
        {
            throw new ArgumentException("A sequence or sample has at least two stages.", nameof(missingStages));
        }

        Kind = kind;
        KeyCount = keyCount;
        _missingStages = (bool[])missingStages.Clone();
        MaxSpanMilliseconds = maxSpanMilliseconds;
        HasUntil = hasUntil;
        Pipes = pipes;
    }

    public SequenceRuleKind Kind { get; }

    /// <summary>Stages after <c>runs</c> expansion, missing-event stages included.</summary>
    public int StageCount => _missingStages.Length;

    /// <summary>Join keys per stage (0 for a sequence without <c>by</c>).</summary>
    public int KeyCount { get; }

    /// <summary>Null when the sequence has no maxspan.</summary>
    public long? MaxSpanMilliseconds { get; }

    public bool HasUntil { get; }

    public IReadOnlyList<SequencePipe> Pipes { get; }

    /// <summary>True when <paramref name="stage"/> is a missing-event stage <c>![...]</c>.</summary>
    public bool IsMissingStage(int stage) => _missingStages[stage];

    /// <summary>True when the event matches the stage (its category test and condition). Never allocates.</summary>
    public abstract bool MatchesStage(int stage, EcsEvent e);

    /// <summary>
    /// Writes the stage's join keys for the event into <paramref name="keys"/> (<see cref="KeyCount"/> positions),
    /// as strings compared ordinally (docs/sequences.md: join keys); a multi-valued key gives each distinct value.
    /// Returns false when the event cannot join: a key that is not optional (<c>?field</c>) has no value, which
    /// Elasticsearch filters out. String keys are the event's own strings; numbers and dates allocate their text.
    /// </summary>
    public abstract bool TryGetStageKeys(int stage, EcsEvent e, SequenceKeyBuffer keys);

    /// <summary>True when the event matches the <c>until</c> stage (false when there is none).</summary>
    public virtual bool MatchesUntil(EcsEvent e) => false;

    /// <summary>The <c>until</c> stage's join keys, as <see cref="TryGetStageKeys"/>.</summary>
    public virtual bool TryGetUntilKeys(EcsEvent e, SequenceKeyBuffer keys) => false;
}
