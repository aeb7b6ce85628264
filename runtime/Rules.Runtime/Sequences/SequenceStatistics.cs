namespace Rules.Runtime.Sequences;

/// <summary>
/// Counters of a <see cref="SequenceEngine"/>, updated as it runs (read them from the engine's thread). Gauges say
/// what is alive now; the other counters only grow. Every partial sequence ends in exactly one of: completed
/// (advanced to the last stage), expired, superseded, dropped by until, discarded by a missing event, evicted.
/// </summary>
public sealed class SequenceStatistics
{
    /// <summary>Events given to <see cref="SequenceEngine.Process"/>.</summary>
    public long EventsProcessed { get; internal set; }

    /// <summary>Events without <c>@timestamp</c>: no sequence can order them (samples still see them).</summary>
    public long EventsWithoutTimestamp { get; internal set; }

    /// <summary>Events older than the latest timestamp seen, but within the allowed lateness: matched in arrival order.</summary>
    public long OutOfOrderEvents { get; internal set; }

    /// <summary>Events older than the latest timestamp seen by more than the allowed lateness: not matched by sequences.</summary>
    public long LateEventsDropped { get; internal set; }

    /// <summary>Event snapshots taken (an event is copied once, when it first enters a partial sequence or sample).</summary>
    public long EventsCopied { get; internal set; }

    /// <summary>Gauge: partial sequences and samples alive.</summary>
    public long PartialsAlive { get; internal set; }

    /// <summary>Partial sequences and samples started.</summary>
    public long PartialsStarted { get; internal set; }

    /// <summary>Sequences that reached their last positive stage.</summary>
    public long SequencesCompleted { get; internal set; }

    /// <summary>Samples completed (one event per stage for a key).</summary>
    public long SamplesCompleted { get; internal set; }

    /// <summary>Matches released to the caller (after head/tail pipes).</summary>
    public long MatchesEmitted { get; internal set; }

    /// <summary>Matches a <c>| head N</c> pipe dropped after its N-th, or a <c>| tail N</c> pipe pushed out.</summary>
    public long MatchesDroppedByPipes { get; internal set; }

    /// <summary>Partial sequences that could no longer complete within maxspan (or were rejected by it).</summary>
    public long Expired { get; internal set; }

    /// <summary>Partial sequences discarded because a later one with the same key took the next event (Elasticsearch
    /// keeps the most recent candidate per key and stage).</summary>
    public long Superseded { get; internal set; }

    /// <summary>Partial sequences ended by their key's <c>until</c> event.</summary>
    public long DroppedByUntil { get; internal set; }

    /// <summary>Sequences discarded because an event matched one of their missing-event stages.</summary>
    public long DiscardedByMissingEvent { get; internal set; }

    /// <summary>Gauge: completed sequences waiting for their trailing missing-event stage to be decided.</summary>
    public long PendingMissingChecks { get; internal set; }

    /// <summary>Partial sequences or samples evicted because the per-key bound was reached.</summary>
    public long EvictedPerKey { get; internal set; }

    /// <summary>Partial sequences or samples evicted because the per-rule bound was reached.</summary>
    public long EvictedPerRule { get; internal set; }

    /// <summary>Partial sequences or samples evicted because the engine-wide bound was reached.</summary>
    public long EvictedTotal { get; internal set; }

    /// <summary>Join keys evicted (least recently used) because a rule tracked too many; their partials are counted here too.</summary>
    public long KeysEvicted { get; internal set; }

    /// <summary>Pending missing-event checks dropped because too many waited.</summary>
    public long PendingEvicted { get; internal set; }

    /// <summary>Events a sample ignored because their key already produced its sample.</summary>
    public long SampleEventsIgnored { get; internal set; }

    /// <summary>Sequence rules the engine does not run (see <see cref="SequenceEngine.RejectedRules"/>).</summary>
    public long RulesRejected { get; internal set; }

    /// <summary>All evictions caused by memory bounds.</summary>
    public long Evicted => EvictedPerKey + EvictedPerRule + EvictedTotal + KeysEvicted + PendingEvicted;

    public override string ToString() =>
        $"events {EventsProcessed} (no timestamp {EventsWithoutTimestamp}, out of order {OutOfOrderEvents}, late dropped {LateEventsDropped}), " +
        $"partials alive {PartialsAlive} started {PartialsStarted}, completed {SequencesCompleted} sequences {SamplesCompleted} samples, emitted {MatchesEmitted}, " +
        $"expired {Expired}, superseded {Superseded}, until {DroppedByUntil}, missing {DiscardedByMissingEvent}, evicted {Evicted}";
}
