using System;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>
/// A value test every match of a rule passes, chosen at build time: the rule can only match an event whose field
/// (read by <see cref="Read"/>) is one of <see cref="Values"/>. The engine indexes rules by it, so an event meets only
/// the rules its value selects (docs/architecture.md, "Dispatch").
/// </summary>
public sealed class RuleAnchor
{
    public RuleAnchor(string fieldPath, bool ignoreCase, Func<EcsEvent, string?> read, params string[] values)
    {
        FieldPath = fieldPath;
        IgnoreCase = ignoreCase;
        Read = read;
        Values = values;
    }

    public string FieldPath { get; }

    public bool IgnoreCase { get; }

    /// <summary>Reads the field from an event without allocating (a generated accessor).</summary>
    public Func<EcsEvent, string?> Read { get; }

    public IReadOnlyList<string> Values { get; }
}
