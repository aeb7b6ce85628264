using Rules.Language.Text;

namespace Rules.Language.Documents
{
    /// <summary>
    /// One detection rule in the Elastic rule schema (<c>[metadata]</c>, <c>[rule]</c>, <c>[[rule.threat]]</c> ...),
    /// whatever file format it came from. Immutable and equatable: part of the generator's cached model.
    /// </summary>
    public sealed record RuleDocument
    {
        public string FilePath { get; init; } = "";

        // [rule]
        public string RuleId { get; init; } = "";
        public string Name { get; init; } = "";
        public string Description { get; init; } = "";
        /// <summary>eql, query, new_terms, threshold, threat_match, esql, machine_learning.</summary>
        public string Type { get; init; } = "";
        /// <summary>eql, kuery, lucene, esql (empty for machine_learning).</summary>
        public string Language { get; init; } = "";
        public string Query { get; init; } = "";
        /// <summary>Maps the query's characters back to the rule file, for located query errors.</summary>
        public StringSourceMap? QuerySourceMap { get; init; }
        public SourceSpan QuerySpan { get; init; }
        public EquatableArray<string> Index { get; init; } = EquatableArray<string>.Empty;
        public string Severity { get; init; } = "";
        public int RiskScore { get; init; }
        public EquatableArray<string> Tags { get; init; } = EquatableArray<string>.Empty;
        public EquatableArray<string> Author { get; init; } = EquatableArray<string>.Empty;
        public string License { get; init; } = "";
        public EquatableArray<string> References { get; init; } = EquatableArray<string>.Empty;
        public EquatableArray<string> FalsePositives { get; init; } = EquatableArray<string>.Empty;
        public int Version { get; init; }
        public string Interval { get; init; } = "";
        public string From { get; init; } = "";
        public int MaxSignals { get; init; }
        public string Note { get; init; } = "";
        public string Setup { get; init; } = "";
        public EquatableArray<ThreatMapping> Threat { get; init; } = EquatableArray<ThreatMapping>.Empty;
        public string TimestampOverride { get; init; } = "";
        public string EventCategoryOverride { get; init; } = "";
        public string TiebreakerField { get; init; } = "";
        public string RuleNameOverride { get; init; } = "";
        public string BuildingBlockType { get; init; } = "";
        public EquatableArray<SeverityMapping> SeverityMapping { get; init; } = EquatableArray<SeverityMapping>.Empty;
        public EquatableArray<RiskScoreMapping> RiskScoreMapping { get; init; } = EquatableArray<RiskScoreMapping>.Empty;
        public AlertSuppression? AlertSuppression { get; init; }
        public NewTermsSettings? NewTerms { get; init; }
        public ThresholdSettings? Threshold { get; init; }
        /// <summary>Kibana filters (query DSL), each kept as a canonical JSON text with its span in the file.</summary>
        public EquatableArray<RuleFilter> Filters { get; init; } = EquatableArray<RuleFilter>.Empty;

        // [metadata]
        public string CreationDate { get; init; } = "";
        public string UpdatedDate { get; init; } = "";
        public string Maturity { get; init; } = "";
        public EquatableArray<string> Integration { get; init; } = EquatableArray<string>.Empty;
    }

    public sealed record ThreatMapping(string Framework, ThreatEntry Tactic, EquatableArray<TechniqueMapping> Techniques);

    public sealed record TechniqueMapping(ThreatEntry Technique, EquatableArray<ThreatEntry> Subtechniques);

    public sealed record ThreatEntry(string Id, string Name, string Reference);

    public sealed record SeverityMapping(string Field, string Operator, string Value, string Severity);

    public sealed record RiskScoreMapping(string Field, string Operator, string Value, int? RiskScore);

    public sealed record AlertSuppression(EquatableArray<string> GroupBy, string Duration, string MissingFieldsStrategy);

    public sealed record NewTermsSettings(string Field, EquatableArray<string> Value, string HistoryWindowStart);

    public sealed record ThresholdSettings(EquatableArray<string> Field, long Value, EquatableArray<ThresholdCardinality> Cardinality);

    public sealed record ThresholdCardinality(string Field, long Value);

    /// <summary>One <c>[[rule.filters]]</c> entry: the Kibana filter (meta flags and query DSL) as JSON, and where it is.</summary>
    public sealed record RuleFilter(string Json, bool Negate, bool Disabled, SourceSpan Span);
}
