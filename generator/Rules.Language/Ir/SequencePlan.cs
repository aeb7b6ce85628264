using System;

namespace Rules.Language.Ir
{
    // Multi-event EQL plans (sequence, sample) and the head/tail pipes. Produced by the EQL front end
    // (generator/Rules.Language/Eql/EqlCompiler.cs); run by the runtime's sequence engine. docs/eql.md describes the
    // semantics each field carries, with Elasticsearch sources.

    /// <summary>
    /// One bracketed stage of a sequence or sample. <see cref="Categories"/> and <see cref="Condition"/> select the
    /// events (as in <see cref="EventQueryPlan"/>). <see cref="Keys"/> are the join keys for this stage: the query's
    /// shared <c>by</c> keys first, then the stage's own <c>by</c> keys, so every stage of a plan has the same number
    /// of keys and key i of one stage joins key i of the others (values compared exactly, case-sensitively; an event
    /// whose key is null joins other null keys, as Elasticsearch does for optional fields).
    /// <see cref="Runs"/> is <c>with runs=N</c> (1 when absent): the stage must match N consecutive times, exactly as
    /// if it were written N times. <see cref="IsMissing"/> marks a missing-event stage <c>![...]</c>: the sequence
    /// matches only if no such event (with the same keys) occurs between the neighbouring positive stages (or, as
    /// the first/last stage, within maxspan before the next / after the previous positive event).
    /// </summary>
    public sealed record SequenceStage(EquatableArray<string> Categories, BoolExpr Condition, EquatableArray<ValueExpr> Keys, int Runs, bool IsMissing);

    /// <summary>
    /// <c>sequence [by k...] [with maxspan=T] [stage]... [until [stage]]</c>. Events must match the stages in
    /// timestamp order; <see cref="MaxSpan"/> (null: unbounded) bounds the time from the first to the last event of a
    /// match, inclusive. <see cref="Until"/> (null: none) ends every partial match with the same keys when an event
    /// matches it. A positive stage never is <see cref="SequenceStage.IsMissing"/> in <see cref="Until"/>.
    /// </summary>
    public sealed record SequencePlan(EquatableArray<SequenceStage> Stages, TimeSpan? MaxSpan, SequenceStage? Until) : QueryPlan
    {
        /// <summary>The maxspan in milliseconds (null: unbounded).</summary>
        public long? MaxSpanMilliseconds => MaxSpan is null ? (long?)null : (long)MaxSpan.Value.TotalMilliseconds;
    }

    /// <summary>
    /// <c>sample by k... [stage] [stage]...</c>: an unordered group of events, one per stage, that share the join
    /// keys (no time order, no maxspan). Elasticsearch returns at most one sample per key combination.
    /// </summary>
    public sealed record SamplePlan(EquatableArray<SequenceStage> Stages) : QueryPlan;

    public enum PipeKind
    {
        /// <summary><c>| head N</c>: the first N results.</summary>
        Head,
        /// <summary><c>| tail N</c>: the last N results (of a bounded input).</summary>
        Tail,
    }

    public sealed record PipeStep(PipeKind Kind, int Count);

    /// <summary>
    /// A query followed by <c>| head N</c> / <c>| tail N</c> pipes, applied in order to the results of
    /// <see cref="Query"/> (events for an event query, matches for a sequence or sample).
    /// </summary>
    public sealed record PipedPlan(QueryPlan Query, EquatableArray<PipeStep> Pipes) : QueryPlan;
}
