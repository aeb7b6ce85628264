using System;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>A MITRE ATT&amp;CK entry: tactic, technique or sub-technique.</summary>
public sealed record MitreEntry(string Id, string Name, string Reference);

/// <summary>A technique with its sub-techniques.</summary>
public sealed record MitreTechnique(MitreEntry Technique, IReadOnlyList<MitreEntry> Subtechniques);

/// <summary>One <c>[[rule.threat]]</c> entry: a framework's tactic and the techniques under it.</summary>
public sealed record ThreatMapping(string Framework, MitreEntry Tactic, IReadOnlyList<MitreTechnique> Techniques);

/// <summary>
/// What a rule file says about the rule, carried into every alert. Built by generated code from the rule file;
/// immutable.
/// </summary>
public sealed class RuleMetadata
{
    public required string RuleId { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>eql, query, new_terms, threshold.</summary>
    public required string Type { get; init; }
    /// <summary>eql or kuery.</summary>
    public string Language { get; init; } = "";
    public string Query { get; init; } = "";
    /// <summary>low, medium, high or critical.</summary>
    public required string Severity { get; init; }
    public int RiskScore { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Index { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> References { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Author { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> FalsePositives { get; init; } = Array.Empty<string>();
    public string License { get; init; } = "";
    public int Version { get; init; }
    public string Interval { get; init; } = "";
    public string From { get; init; } = "";
    public int MaxSignals { get; init; }
    public IReadOnlyList<ThreatMapping> Threat { get; init; } = Array.Empty<ThreatMapping>();
    public string TimestampOverride { get; init; } = "";
    public string RuleNameOverride { get; init; } = "";
    public string BuildingBlockType { get; init; } = "";
    /// <summary>The rule file this rule was compiled from, as the build saw it.</summary>
    public string SourceFile { get; init; } = "";

    public override string ToString() => $"{Name} ({RuleId})";
}
