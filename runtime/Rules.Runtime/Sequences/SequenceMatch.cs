using System.Collections.Generic;

namespace Rules.Runtime.Sequences;

/// <summary>
/// A completed sequence or sample. <see cref="Events"/> are snapshots the engine owns (never the reader's reused
/// event): for a sequence, the events of its positive stages in stage order (missing-event stages have none); for a
/// sample, one event per stage. <see cref="JoinKeys"/> are the key values the events share (null: an optional key
/// without value), as rendered by the rule's key extraction.
/// </summary>
public sealed record SequenceMatch(SequenceRule Rule, IReadOnlyList<EcsEvent> Events, IReadOnlyList<string?> JoinKeys);
