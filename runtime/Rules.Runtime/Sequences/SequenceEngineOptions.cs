using System;

namespace Rules.Runtime.Sequences;

/// <summary>
/// Memory bounds and ordering tolerance of a <see cref="SequenceEngine"/>. Every bound is enforced by evicting the
/// oldest state and counting it in <see cref="SequenceStatistics"/>; nothing grows without bound.
/// </summary>
public sealed class SequenceEngineOptions
{
    /// <summary>Partial sequences (and partial samples) kept per join key of one rule; the oldest is evicted beyond it.</summary>
    public int MaxPartialsPerKey { get; init; } = 64;

    /// <summary>Partial sequences (and partial samples) kept per rule; the rule's oldest is evicted beyond it.</summary>
    public int MaxPartialsPerRule { get; init; } = 100_000;

    /// <summary>Partial sequences and samples kept by the whole engine; the growing rule's oldest is evicted beyond it.</summary>
    public int MaxPartialsTotal { get; init; } = 1_000_000;

    /// <summary>Join keys one rule tracks at once (keys holding partials, leading missing-event marks, samples
    /// already emitted); the least recently used key is evicted beyond it.</summary>
    public int MaxKeysPerRule { get; init; } = 200_000;

    /// <summary>Completed sequences of one rule waiting for a trailing missing-event stage to be decided; the oldest
    /// is dropped beyond it.</summary>
    public int MaxPendingPerRule { get; init; } = 10_000;

    /// <summary>A rule whose sequence has more stages than this (after <c>runs</c> expansion) is not run; the engine
    /// lists it in <see cref="SequenceEngine.RejectedRules"/>.</summary>
    public int MaxEventsPerSequence { get; init; } = 256;

    /// <summary>
    /// Samples one <c>sample</c> rule returns per join-key combination (Elasticsearch's <c>max_samples_per_key</c>
    /// request option, default 1). Above 1, each stage keeps the first <c>stages + N - 1</c> events of the key, as
    /// Elasticsearch fetches them, and every new combination of distinct events is a sample until N are emitted.
    /// </summary>
    public int MaxSamplesPerKey { get; init; } = 1;

    /// <summary>
    /// How far an event's <c>@timestamp</c> may lie behind the latest timestamp seen and still be matched (in arrival
    /// order). Later events are dropped and counted (<see cref="SequenceStatistics.LateEventsDropped"/>). Zero (the
    /// default): the input must be ordered by time; an event with an equal timestamp is in order.
    /// </summary>
    public TimeSpan AllowedLateness { get; init; } = TimeSpan.Zero;

    internal void Validate()
    {
        Positive(MaxPartialsPerKey, nameof(MaxPartialsPerKey));
        Positive(MaxPartialsPerRule, nameof(MaxPartialsPerRule));
        Positive(MaxPartialsTotal, nameof(MaxPartialsTotal));
        Positive(MaxKeysPerRule, nameof(MaxKeysPerRule));
        Positive(MaxPendingPerRule, nameof(MaxPendingPerRule));
        Positive(MaxEventsPerSequence, nameof(MaxEventsPerSequence));
        Positive(MaxSamplesPerKey, nameof(MaxSamplesPerKey));
        if (AllowedLateness < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AllowedLateness), AllowedLateness, "AllowedLateness cannot be negative.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, name + " must be positive.");
        }
    }
}
