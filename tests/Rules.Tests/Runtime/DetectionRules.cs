using Rules.Runtime;
using Rules.Tests.Generator;

namespace Rules.Tests.Runtime;

/// <summary>The test rules of the runtime tests, compiled once through the real generator (one assembly).</summary>
public static class DetectionRules
{
    public const string Query = "query-max-signals";
    public const string Threshold = "threshold-user";
    public const string ThresholdCardinality = "threshold-cardinality";
    public const string ThresholdNoFields = "threshold-no-fields";
    public const string NewTerms = "new-terms-host-user";
    public const string SuppressedWithDuration = "suppressed-duration";
    public const string SuppressedPerInterval = "suppressed-interval";
    public const string Overrides = "overrides";
    public const string Sequence = "sequence-shell";
    public const string ThresholdSuppressed = "threshold-suppressed";
    public const string ThresholdSuppressedByDuration = "threshold-suppressed-duration";
    public const string ThresholdNoFieldsSuppressed = "threshold-no-fields-suppressed";

    private static readonly Lazy<IReadOnlyList<CompiledRule>> Compiled = new(() => CompiledRuleSet.Compile(
        File(Query, "query", "event.action : \"evil\"", "max_signals = 2"),
        File(Threshold, "threshold", "event.action : \"logon-failed\"", "from = \"now-10m\"", """
            [rule.threshold]
            field = ["user.name"]
            value = 3
            """),
        File(ThresholdCardinality, "threshold", "event.action : \"connect\"", "", """
            [rule.threshold]
            field = ["source.ip"]
            value = 1

            [[rule.threshold.cardinality]]
            field = "destination.port"
            value = 3
            """),
        File(ThresholdNoFields, "threshold", "event.action : \"sweep\"", "", """
            [rule.threshold]
            field = []
            value = 2
            """),
        File(NewTerms, "new_terms", "event.action : \"login\"", "", """
            [rule.new_terms]
            field = "new_terms_fields"
            value = ["host.name", "user.name"]
            [[rule.new_terms.history_window_start]]
            field = "history_window_start"
            value = "now-7d"
            """),
        File(SuppressedWithDuration, "query", "event.action : \"dup\"", "", """
            [rule.alert_suppression]
            group_by = ["host.name"]
            missing_fields_strategy = "suppress"

            [rule.alert_suppression.duration]
            unit = "m"
            value = 10
            """),
        File(SuppressedPerInterval, "query", "event.action : \"dup-interval\"", "", """
            [rule.alert_suppression]
            group_by = ["host.name", "user.name"]
            missing_fields_strategy = "doNotSuppress"
            """),
        File(Overrides, "query", "event.action : \"override\"", """
            timestamp_override = "event.ingested"
            rule_name_override = "rule.name"
            building_block_type = "default"
            """, """
            [[rule.severity_mapping]]
            field = "host.name"
            operator = "equals"
            value = "high-host"
            severity = "high"

            [[rule.severity_mapping]]
            field = "host.name"
            operator = "equals"
            value = "critical-host"
            severity = "critical"

            [[rule.severity_mapping]]
            field = "user.name"
            operator = "equals"
            value = "root"
            severity = "medium"

            [[rule.risk_score_mapping]]
            field = "event.risk_score"
            operator = "equals"
            value = ""
            """),
        File(Sequence, "query", "event.action : \"never\"", ""),
        File(ThresholdSuppressed, "threshold", "event.action : \"scan\"", "", """
            [rule.threshold]
            field = ["source.ip"]
            value = 2

            [rule.alert_suppression]
            group_by = ["source.ip"]

            [rule.alert_suppression.duration]
            unit = "m"
            value = 30
            """),
        // Elastic's threshold alert_suppression: a duration only (the group is the bucket's terms).
        File(ThresholdSuppressedByDuration, "threshold", "event.action : \"burst\"", "", """
            [rule.threshold]
            field = ["source.ip"]
            value = 2

            [rule.alert_suppression.duration]
            unit = "m"
            value = 20
            """),
        File(ThresholdNoFieldsSuppressed, "threshold", "event.action : \"flood\"", "", """
            [rule.threshold]
            field = []
            value = 2

            [rule.alert_suppression.duration]
            unit = "m"
            value = 20
            """)).Rules);

    public static IReadOnlyList<CompiledRule> All => Compiled.Value;

    public static CompiledRule Get(string ruleId) => All.Single(r => r.Metadata.RuleId == ruleId);

    /// <summary>A detector over the given test rules only.</summary>
    public static Detector Detector(DetectorOptions? options = null, params string[] ruleIds) =>
        new(ruleIds.Length == 0 ? All : ruleIds.Select(Get).ToList(), options);

    private static InMemoryRuleFile File(string ruleId, string type, string query, string keys, string tables = "") =>
        new($"/consumer/rules/{ruleId}.toml", $"""
            [rule]
            author = ["Test"]
            description = "Test rule {ruleId}."
            name = "Rule {ruleId}"
            risk_score = 21
            rule_id = "{ruleId}"
            severity = "low"
            type = "{type}"
            language = "kuery"
            interval = "5m"
            {(keys.Contains("from =", StringComparison.Ordinal) ? "" : "from = \"now-6m\"")}
            {keys}
            query = '''
            {query}
            '''

            {tables}
            """);
}

/// <summary>Events for the tests: fields by path, time from a fixed origin.</summary>
public static class TestEvents
{
    public static readonly DateTimeOffset Origin = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    public static EcsEvent At(TimeSpan offset, params (string Path, object Value)[] fields)
    {
        var e = new EcsEvent { Timestamp = Origin + offset };
        foreach (var (path, value) in fields)
        {
            switch (value)
            {
                case string text:
                    e.Set(path, text);
                    break;
                case string[] texts:
                    e.Set(path, texts);
                    break;
                case long number:
                    e.Set(path, number);
                    break;
                case int number:
                    e.Set(path, (long)number);
                    break;
                case DateTimeOffset date:
                    e.Set(path, date);
                    break;
                default:
                    throw new ArgumentException("Unsupported test value " + value);
            }
        }

        return e;
    }

    public static List<Alert> Run(Detector detector, IEnumerable<EcsEvent> events, bool complete = true)
    {
        var alerts = new List<Alert>();
        foreach (var e in events)
        {
            detector.Process(e, alerts);
        }

        if (complete)
        {
            detector.Complete(alerts);
        }

        return alerts;
    }

    public static TimeSpan Minutes(double minutes) => TimeSpan.FromMinutes(minutes);
}
