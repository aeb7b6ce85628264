using System;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>A MITRE ATT&amp;CK entry: tactic, technique or sub-technique.</summary>
public sealed record MitreEntry(string Id, string Name, string Reference);

/// <summary>A technique with its sub-techniques.</summary>
public sealed record MitreTechnique(MitreEntry Technique, IReadOnlyList<MitreEntry> Subtechniques);

/// <summary>One <c>[[rule.threat]]</c> entry: a framework's tactic and the techniques under it.</summary>
public sealed record ThreatMapping(string Framework, MitreEntry Tactic, IReadOnlyList<MitreTechnique> Techniques);

/// <summary>One <c>severity_mapping</c> entry: when the event's field equals the value, the alert takes the severity.</summary>
public sealed record SeverityMappingEntry(string Field, string Operator, string Value, string Severity);

/// <summary>One <c>risk_score_mapping</c> entry: the alert's risk score is read from the event's field (0-100).</summary>
public sealed record RiskScoreMappingEntry(string Field, string Operator, string Value, int? RiskScore);

/// <summary><c>alert_suppression</c>: one alert per group of <see cref="GroupBy"/> values per <see cref="Duration"/>
/// (empty: per rule execution, i.e. per interval); <see cref="MissingFieldsStrategy"/> is suppress or doNotSuppress.</summary>
public sealed record AlertSuppressionSettings(IReadOnlyList<string> GroupBy, string Duration, string MissingFieldsStrategy);

/// <summary><c>new_terms</c>: alert when the combination of <see cref="Fields"/> values was not seen since
/// <see cref="HistoryWindowStart"/> (such as now-7d).</summary>
public sealed record NewTermsSettings(IReadOnlyList<string> Fields, string HistoryWindowStart);

/// <summary><c>threshold.cardinality</c> entry: distinct values of <see cref="Field"/> must reach <see cref="Value"/>.</summary>
public sealed record ThresholdCardinality(string Field, long Value);

/// <summary><c>threshold</c>: group by <see cref="Fields"/> (none: one group), alert when a group counts
/// <see cref="Value"/> events in the rule's look-back, with the optional cardinality condition.</summary>
public sealed record ThresholdSettings(IReadOnlyList<string> Fields, long Value, IReadOnlyList<ThresholdCardinality> Cardinality);

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
    public IReadOnlyList<SeverityMappingEntry> SeverityMapping { get; init; } = Array.Empty<SeverityMappingEntry>();
    public IReadOnlyList<RiskScoreMappingEntry> RiskScoreMapping { get; init; } = Array.Empty<RiskScoreMappingEntry>();
    public AlertSuppressionSettings? AlertSuppression { get; init; }
    public NewTermsSettings? NewTerms { get; init; }
    public ThresholdSettings? Threshold { get; init; }
    /// <summary>The rule file this rule was compiled from, as the build saw it.</summary>
    public string SourceFile { get; init; } = "";

    public override string ToString() => $"{Name} ({RuleId})";
}
