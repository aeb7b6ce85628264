using System;
using System.Collections.Generic;
using System.Globalization;
using Rules.Language.Diagnostics;
using Rules.Language.Text;

namespace Rules.Language.Documents
{
    /// <summary>
    /// Maps a rule file's <see cref="DocTable"/> onto <see cref="RuleDocument"/> following the Elastic rule schema
    /// (elastic/detection-rules <c>detection_rules/rule.py</c> and the Kibana detection-engine API). Missing required
    /// keys are DR2001 at the table, wrong kinds of value DR2002 at the value, invalid values DR2003 at the value.
    /// Keys the compiler does not use are ignored: the schema is large and keeps growing. See docs/rule-files.md.
    /// </summary>
    internal sealed class RuleSchemaReader
    {
        private static readonly string[] Severities = { "low", "medium", "high", "critical" };
        private static readonly string[] RuleTypes = { "eql", "query", "saved_query", "threshold", "threat_match", "machine_learning", "new_terms", "esql" };
        private static readonly string[] Maturities = { "development", "experimental", "beta", "production", "deprecated" };
        private static readonly string[] QueryLanguages = { "kuery", "lucene" };
        private static readonly string[] MissingFieldsStrategies = { "suppress", "doNotSuppress" };
        private static readonly string[] DurationUnits = { "s", "m", "h" };

        private readonly SourceText _source;
        private readonly List<RuleDiagnostic> _diagnostics;

        /// <summary>The key span of the entry that holds each table read by key (DocNode compares by reference).</summary>
        private readonly Dictionary<DocTable, SourceSpan> _holderKeys = new Dictionary<DocTable, SourceSpan>();

        private RuleSchemaReader(SourceText source, List<RuleDiagnostic> diagnostics)
        {
            _source = source;
            _diagnostics = diagnostics;
        }

        public static RuleDocument Read(SourceText source, DocTable root, List<RuleDiagnostic> diagnostics) =>
            new RuleSchemaReader(source, diagnostics).ReadRoot(root);

        private RuleDocument ReadRoot(DocTable root)
        {
            var rule = new RuleDocument { FilePath = _source.Path };
            var metadata = Table(root, "metadata", "metadata", required: false, isRoot: true);
            if (metadata != null)
            {
                rule = rule with
                {
                    CreationDate = Date(metadata, "creation_date", "metadata.creation_date"),
                    UpdatedDate = Date(metadata, "updated_date", "metadata.updated_date"),
                    Maturity = OneOf(metadata, "maturity", "metadata.maturity", Maturities, required: false),
                    Integration = StringOrList(metadata, "integration", "metadata.integration"),
                };
            }

            var body = Table(root, "rule", "rule", required: true, isRoot: true);
            if (body is null)
            {
                return rule;
            }

            var type = OneOf(body, "type", "rule.type", RuleTypes, required: true);
            rule = rule with
            {
                RuleId = String(body, "rule_id", "rule.rule_id", required: true, nonEmpty: true),
                Name = String(body, "name", "rule.name", required: true, nonEmpty: true),
                Description = String(body, "description", "rule.description", required: true, nonEmpty: true),
                Type = type,
                Severity = OneOf(body, "severity", "rule.severity", Severities, required: true),
                RiskScore = (int)(Integer(body, "risk_score", "rule.risk_score", required: true, min: 0, max: 100) ?? 0),
                Index = StringList(body, "index", "rule.index"),
                Tags = StringList(body, "tags", "rule.tags"),
                Author = StringList(body, "author", "rule.author"),
                License = String(body, "license", "rule.license"),
                References = StringList(body, "references", "rule.references"),
                FalsePositives = StringList(body, "false_positives", "rule.false_positives"),
                Version = (int)(Integer(body, "version", "rule.version", required: false, min: 1, max: int.MaxValue) ?? 0),
                Interval = Pattern(body, "interval", "rule.interval", IsInterval, "a number and a unit s, m, h or d, such as \"5m\""),
                From = Pattern(body, "from", "rule.from", IsFrom, "\"now\" or \"now-\" with a number and a unit s, m, h or d, such as \"now-9m\""),
                MaxSignals = (int)(Integer(body, "max_signals", "rule.max_signals", required: false, min: 1, max: int.MaxValue) ?? 0),
                Note = String(body, "note", "rule.note"),
                Setup = String(body, "setup", "rule.setup"),
                TimestampOverride = String(body, "timestamp_override", "rule.timestamp_override"),
                EventCategoryOverride = String(body, "event_category_override", "rule.event_category_override"),
                TiebreakerField = String(body, "tiebreaker_field", "rule.tiebreaker_field"),
                RuleNameOverride = String(body, "rule_name_override", "rule.rule_name_override"),
                BuildingBlockType = OneOf(body, "building_block_type", "rule.building_block_type", new[] { "default" }, required: false),
                Threat = Threats(body),
                SeverityMapping = SeverityMappings(body),
                RiskScoreMapping = RiskScoreMappings(body),
                AlertSuppression = Suppression(body, type),
                Filters = Filters(body),
            };

            rule = ReadQuery(body, rule, type);
            return rule;
        }

        /// <summary>The query, language and type-specific settings that each rule type requires.</summary>
        private RuleDocument ReadQuery(DocTable body, RuleDocument rule, string type)
        {
            string[]? languages = type switch
            {
                "eql" => new[] { "eql" },
                "esql" => new[] { "esql" },
                "query" or "threshold" or "threat_match" or "new_terms" => QueryLanguages,
                "saved_query" => QueryLanguages,
                _ => null,
            };

            if (type == "machine_learning")
            {
                Require(body, "anomaly_threshold", "rule.anomaly_threshold", "anomaly_threshold = 75");
                Require(body, "machine_learning_job_id", "rule.machine_learning_job_id", "machine_learning_job_id = \"my-job\"");
                return rule with { Language = String(body, "language", "rule.language") };
            }

            if (languages is null)
            {
                // Unknown type: already reported; nothing more can be checked.
                return rule;
            }

            // saved_query rules may name a saved query instead of carrying one.
            var queryRequired = type != "saved_query";
            if (type == "saved_query")
            {
                Require(body, "saved_id", "rule.saved_id", "saved_id = \"my-saved-query\"");
            }

            var language = OneOf(body, "language", "rule.language", languages, required: queryRequired);
            var query = String(body, "query", "rule.query", required: queryRequired, nonEmpty: queryRequired);
            rule = rule with { Language = language, Query = query };
            if (body["query"] is DocScalar { Kind: DocNodeKind.String } queryNode)
            {
                rule = rule with { QuerySpan = queryNode.Span, QuerySourceMap = queryNode.SourceMap };
            }

            if (type == "new_terms")
            {
                rule = rule with { NewTerms = NewTerms(body) };
            }
            else if (type == "threshold")
            {
                rule = rule with { Threshold = Threshold(body) };
            }
            else if (type == "threat_match")
            {
                Require(body, "threat_index", "rule.threat_index", "threat_index = [\"filebeat-*\"]");
                Require(body, "threat_mapping", "rule.threat_mapping", "[[rule.threat_mapping]]");
            }

            return rule;
        }

        // ---------- diagnostics ----------

        private void Report(DiagnosticDescriptor descriptor, SourceSpan span, string message) =>
            _diagnostics.Add(descriptor.Create(_source, span, message));

        /// <summary>
        /// Where a missing key of this table is reported: the file start for the root; the table itself when it sits on
        /// one line (a TOML <c>[header]</c> or inline table); otherwise (a YAML block mapping) the key that holds it, or
        /// the first line of the table.
        /// </summary>
        private SourceSpan TableLocation(DocTable table, bool isRoot)
        {
            if (isRoot)
            {
                return new SourceSpan(0, 0);
            }

            var span = table.Span;
            var text = _source.Text;
            var lineEnd = span.Start;
            while (lineEnd < span.End && lineEnd < text.Length && text[lineEnd] != '\n' && text[lineEnd] != '\r')
            {
                lineEnd++;
            }

            if (lineEnd >= span.End)
            {
                return span;
            }

            return _holderKeys.TryGetValue(table, out var keySpan) ? keySpan : SourceSpan.FromBounds(span.Start, lineEnd);
        }

        private void Missing(DocTable table, string qualified, string example, bool isRoot = false)
        {
            if (IsYaml)
            {
                // Examples are written in TOML; say them in the file's own syntax.
                example = example.StartsWith("[", StringComparison.Ordinal)
                    ? $"a '{LastSegment(example.Trim('[', ']'))}:' mapping"
                    : example.Replace(" = ", ": ");
            }

            Report(DiagnosticIds.MissingRequiredKey, TableLocation(table, isRoot),
                $"The required key '{qualified}' is missing. Add it, for example: {example}.");
        }

        private bool IsYaml =>
            _source.Path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || _source.Path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);

        private static string LastSegment(string qualified)
        {
            var dot = qualified.LastIndexOf('.');
            return dot < 0 ? qualified : qualified.Substring(dot + 1);
        }

        private void WrongKind(DocNode node, string qualified, string expected) =>
            Report(DiagnosticIds.WrongValueKind, node.Span, $"'{qualified}' must be {expected}, but it is {node.KindName}. Write {expected} here.");

        private void Invalid(DocNode node, string qualified, string message) =>
            Report(DiagnosticIds.InvalidValue, node.Span, $"'{qualified}' {message}");

        private void Require(DocTable table, string key, string qualified, string example)
        {
            if (table[key] is null)
            {
                Missing(table, qualified, example);
            }
        }

        // ---------- typed access ----------

        private DocTable? Table(DocTable parent, string key, string qualified, bool required, bool isRoot = false)
        {
            var node = parent[key];
            if (node is null)
            {
                if (required)
                {
                    Missing(parent, qualified, $"[{qualified}]", isRoot);
                }

                return null;
            }

            if (node is DocTable table)
            {
                if (parent.TryGetEntry(key, out var entry))
                {
                    _holderKeys[table] = entry.KeySpan;
                }

                return table;
            }

            WrongKind(node, qualified, "a table");
            return null;
        }

        private DocArray? Array(DocTable parent, string key, string qualified)
        {
            var node = parent[key];
            if (node is null)
            {
                return null;
            }

            if (node is DocArray array)
            {
                return array;
            }

            WrongKind(node, qualified, "an array");
            return null;
        }

        private string String(DocTable table, string key, string qualified, bool required = false, bool nonEmpty = false)
        {
            var node = table[key];
            if (node is null)
            {
                if (required)
                {
                    Missing(table, qualified, $"{LastSegment(qualified)} = \"...\"");
                }

                return string.Empty;
            }

            return StringValue(node, qualified, nonEmpty);
        }

        private string StringValue(DocNode node, string qualified, bool nonEmpty = false)
        {
            if (node is not DocScalar { Kind: DocNodeKind.String } scalar)
            {
                WrongKind(node, qualified, "a string");
                return string.Empty;
            }

            var value = scalar.AsString ?? string.Empty;
            if (nonEmpty && value.Trim().Length == 0)
            {
                Invalid(node, qualified, "must not be empty. Write a value.");
            }

            return value;
        }

        private string OneOf(DocTable table, string key, string qualified, string[] allowed, bool required)
        {
            var node = table[key];
            if (node is null)
            {
                if (required)
                {
                    Missing(table, qualified, $"{LastSegment(qualified)} = \"{allowed[0]}\"");
                }

                return string.Empty;
            }

            var value = StringValue(node, qualified);
            if (node.Kind == DocNodeKind.String && System.Array.IndexOf(allowed, value) < 0)
            {
                Invalid(node, qualified, $"is \"{value}\", which is not one of: {string.Join(", ", allowed)}. Use one of those values.");
            }

            return value;
        }

        private string Pattern(DocTable table, string key, string qualified, Func<string, bool> isValid, string expected)
        {
            var node = table[key];
            if (node is null)
            {
                return string.Empty;
            }

            var value = StringValue(node, qualified);
            if (node.Kind == DocNodeKind.String && !isValid(value))
            {
                Invalid(node, qualified, $"is \"{value}\"; write {expected}.");
            }

            return value;
        }

        private long? Integer(DocTable table, string key, string qualified, bool required, long min, long max)
        {
            var node = table[key];
            if (node is null)
            {
                if (required)
                {
                    Missing(table, qualified, $"{LastSegment(qualified)} = {Math.Max(min, 1)}");
                }

                return null;
            }

            return IntegerValue(node, qualified, min, max);
        }

        private long? IntegerValue(DocNode node, string qualified, long min, long max)
        {
            if (node is not DocScalar { Kind: DocNodeKind.Integer } scalar)
            {
                WrongKind(node, qualified, "an integer");
                return null;
            }

            var value = (long)scalar.Value!;
            if (value < min || value > max)
            {
                Invalid(node, qualified, max == int.MaxValue || max == long.MaxValue
                    ? (value < min ? $"is {value}; it must be at least {min}." : $"is {value}, which is too large; it must be at most {max}.")
                    : $"is {value}; it must be between {min} and {max}.");
                return null;
            }

            return value;
        }

        private EquatableArray<string> StringList(DocTable table, string key, string qualified)
        {
            var array = Array(table, key, qualified);
            return array is null ? EquatableArray<string>.Empty : StringItems(array, qualified);
        }

        private EquatableArray<string> StringItems(DocArray array, string qualified)
        {
            var values = new List<string>(array.Items.Count);
            for (var i = 0; i < array.Items.Count; i++)
            {
                values.Add(StringValue(array.Items[i], $"{qualified}[{i}]"));
            }

            return values.ToEquatableArray();
        }

        /// <summary>A key that takes one string or a list of strings (metadata.integration, threshold.field).</summary>
        private EquatableArray<string> StringOrList(DocTable table, string key, string qualified)
        {
            var node = table[key];
            switch (node)
            {
                case null:
                    return EquatableArray<string>.Empty;
                case DocScalar { Kind: DocNodeKind.String } scalar:
                    return new[] { scalar.AsString ?? string.Empty };
                case DocArray array:
                    return StringItems(array, qualified);
                default:
                    WrongKind(node, qualified, "a string or an array of strings");
                    return EquatableArray<string>.Empty;
            }
        }

        /// <summary>detection-rules dates are written yyyy/MM/dd (definitions.Date).</summary>
        private string Date(DocTable table, string key, string qualified)
        {
            var node = table[key];
            if (node is null)
            {
                return string.Empty;
            }

            var value = StringValue(node, qualified);
            if (node.Kind == DocNodeKind.String
                && !DateTime.TryParseExact(value, "yyyy/MM/dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                Invalid(node, qualified, $"is \"{value}\"; write a date as \"yyyy/MM/dd\", such as \"2024/01/31\".");
            }

            return value;
        }

        private static bool IsInterval(string value) => IsAmountWithUnit(value, 0, "smhd");

        private static bool IsFrom(string value) =>
            value == "now" || (value.StartsWith("now-", StringComparison.Ordinal) && IsAmountWithUnit(value, 4, "smhd"));

        private static bool IsAmountWithUnit(string value, int start, string units)
        {
            if (value.Length < start + 2 || units.IndexOf(value[value.Length - 1]) < 0)
            {
                return false;
            }

            for (var i = start; i < value.Length - 1; i++)
            {
                if (value[i] < '0' || value[i] > '9')
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Each element of an array that must hold tables; wrong elements are reported and skipped.</summary>
        private IEnumerable<(DocTable Table, string Qualified)> Tables(DocArray? array, string qualified)
        {
            if (array is null)
            {
                yield break;
            }

            for (var i = 0; i < array.Items.Count; i++)
            {
                var item = array.Items[i];
                var itemName = $"{qualified}[{i}]";
                if (item is DocTable table)
                {
                    yield return (table, itemName);
                }
                else
                {
                    WrongKind(item, itemName, "a table");
                }
            }
        }

        // ---------- rule sections ----------

        private EquatableArray<ThreatMapping> Threats(DocTable body)
        {
            var threats = new List<ThreatMapping>();
            foreach (var (threat, name) in Tables(Array(body, "threat", "rule.threat"), "rule.threat"))
            {
                var framework = String(threat, "framework", name + ".framework", required: true);
                var tacticTable = Table(threat, "tactic", name + ".tactic", required: true);
                var tactic = tacticTable is null ? new ThreatEntry("", "", "") : Entry(tacticTable, name + ".tactic");
                var techniques = new List<TechniqueMapping>();
                foreach (var (technique, techniqueName) in Tables(Array(threat, "technique", name + ".technique"), name + ".technique"))
                {
                    var subtechniques = new List<ThreatEntry>();
                    foreach (var (sub, subName) in Tables(Array(technique, "subtechnique", techniqueName + ".subtechnique"), techniqueName + ".subtechnique"))
                    {
                        subtechniques.Add(Entry(sub, subName));
                    }

                    techniques.Add(new TechniqueMapping(Entry(technique, techniqueName), subtechniques.ToEquatableArray()));
                }

                threats.Add(new ThreatMapping(framework, tactic, techniques.ToEquatableArray()));
            }

            return threats.ToEquatableArray();
        }

        private ThreatEntry Entry(DocTable table, string qualified) => new ThreatEntry(
            String(table, "id", qualified + ".id", required: true),
            String(table, "name", qualified + ".name", required: true),
            String(table, "reference", qualified + ".reference", required: true));

        private EquatableArray<SeverityMapping> SeverityMappings(DocTable body)
        {
            var mappings = new List<SeverityMapping>();
            foreach (var (item, name) in Tables(Array(body, "severity_mapping", "rule.severity_mapping"), "rule.severity_mapping"))
            {
                mappings.Add(new SeverityMapping(
                    String(item, "field", name + ".field", required: true, nonEmpty: true),
                    OneOf(item, "operator", name + ".operator", new[] { "equals" }, required: true),
                    ScalarText(item, "value", name + ".value"),
                    OneOf(item, "severity", name + ".severity", Severities, required: true)));
            }

            return mappings.ToEquatableArray();
        }

        private EquatableArray<RiskScoreMapping> RiskScoreMappings(DocTable body)
        {
            var mappings = new List<RiskScoreMapping>();
            foreach (var (item, name) in Tables(Array(body, "risk_score_mapping", "rule.risk_score_mapping"), "rule.risk_score_mapping"))
            {
                var score = Integer(item, "risk_score", name + ".risk_score", required: false, min: 0, max: 100);
                mappings.Add(new RiskScoreMapping(
                    String(item, "field", name + ".field", required: true, nonEmpty: true),
                    OneOf(item, "operator", name + ".operator", new[] { "equals" }, required: true),
                    ScalarText(item, "value", name + ".value"),
                    score.HasValue ? (int)score.Value : null));
            }

            return mappings.ToEquatableArray();
        }

        private AlertSuppression? Suppression(DocTable body, string type)
        {
            var table = Table(body, "alert_suppression", "rule.alert_suppression", required: false);
            if (table is null)
            {
                return null;
            }

            // Threshold rules suppress by their threshold fields and take a duration only (Kibana's
            // ThresholdAlertSuppression; detection-rules ThresholdAlertSuppression: duration, required).
            var threshold = type == "threshold";
            if (threshold && table["duration"] is null)
            {
                Missing(table, "rule.alert_suppression.duration", "[rule.alert_suppression.duration]");
            }

            if (!threshold && table["group_by"] is null)
            {
                Missing(table, "rule.alert_suppression.group_by", "group_by = [\"host.name\"]");
            }

            var groupBy = StringList(table, "group_by", "rule.alert_suppression.group_by");
            var duration = string.Empty;
            var durationTable = Table(table, "duration", "rule.alert_suppression.duration", required: false);
            if (durationTable != null)
            {
                var value = Integer(durationTable, "value", "rule.alert_suppression.duration.value", required: true, min: 1, max: int.MaxValue);
                var unit = OneOf(durationTable, "unit", "rule.alert_suppression.duration.unit", DurationUnits, required: true);
                if (value.HasValue && unit.Length > 0)
                {
                    duration = value.Value.ToString(CultureInfo.InvariantCulture) + unit;
                }
            }

            var strategy = OneOf(table, "missing_fields_strategy", "rule.alert_suppression.missing_fields_strategy", MissingFieldsStrategies, required: false);
            return new AlertSuppression(groupBy, duration, strategy);
        }

        private NewTermsSettings? NewTerms(DocTable body)
        {
            var table = Table(body, "new_terms", "rule.new_terms", required: true);
            if (table is null)
            {
                return null;
            }

            OneOf(table, "field", "rule.new_terms.field", new[] { "new_terms_fields" }, required: true);
            if (table["value"] is null)
            {
                Missing(table, "rule.new_terms.value", "value = [\"host.id\"]");
            }

            var fields = StringList(table, "value", "rule.new_terms.value");
            if (table["value"] is DocArray { Items.Count: 0 } emptyFields)
            {
                Invalid(emptyFields, "rule.new_terms.value", "is empty; name at least one field whose new values the rule looks for.");
            }

            var historyWindowStart = string.Empty;
            if (table["history_window_start"] is null)
            {
                Missing(table, "rule.new_terms.history_window_start", "[[rule.new_terms.history_window_start]] with field = \"history_window_start\" and value = \"now-7d\"");
            }

            foreach (var (item, name) in Tables(Array(table, "history_window_start", "rule.new_terms.history_window_start"), "rule.new_terms.history_window_start"))
            {
                OneOf(item, "field", name + ".field", new[] { "history_window_start" }, required: true);
                var value = String(item, "value", name + ".value", required: true, nonEmpty: true);
                if (historyWindowStart.Length == 0)
                {
                    historyWindowStart = value;
                }
            }

            return new NewTermsSettings("new_terms_fields", fields, historyWindowStart);
        }

        private ThresholdSettings? Threshold(DocTable body)
        {
            var table = Table(body, "threshold", "rule.threshold", required: true);
            if (table is null)
            {
                return null;
            }

            if (table["field"] is null)
            {
                Missing(table, "rule.threshold.field", "field = [\"host.id\"]");
            }

            var fields = StringOrList(table, "field", "rule.threshold.field");
            var value = Integer(table, "value", "rule.threshold.value", required: true, min: 1, max: long.MaxValue) ?? 0;
            var cardinality = new List<ThresholdCardinality>();
            foreach (var (item, name) in Tables(Array(table, "cardinality", "rule.threshold.cardinality"), "rule.threshold.cardinality"))
            {
                cardinality.Add(new ThresholdCardinality(
                    String(item, "field", name + ".field", required: true, nonEmpty: true),
                    Integer(item, "value", name + ".value", required: true, min: 0, max: long.MaxValue) ?? 0));
            }

            return new ThresholdSettings(fields, value, cardinality.ToEquatableArray());
        }

        private EquatableArray<RuleFilter> Filters(DocTable body)
        {
            var filters = new List<RuleFilter>();
            foreach (var (item, name) in Tables(Array(body, "filters", "rule.filters"), "rule.filters"))
            {
                var negate = false;
                var disabled = false;
                var meta = Table(item, "meta", name + ".meta", required: false);
                if (meta != null)
                {
                    negate = Boolean(meta, "negate", name + ".meta.negate");
                    disabled = Boolean(meta, "disabled", name + ".meta.disabled");
                }

                var json = DocJson.Write(item, out var problem);
                if (json is null)
                {
                    Invalid(problem ?? item, name, "holds a value JSON cannot represent (NaN or infinity). Use a finite number.");
                    continue;
                }

                filters.Add(new RuleFilter(json, negate, disabled, item.Span));
            }

            return filters.ToEquatableArray();
        }

        /// <summary>
        /// A mapping's value to compare a field with: Kibana sends it as a string, but a YAML author writing
        /// <c>value: 21</c> means "21", so integers and booleans are taken as their text.
        /// </summary>
        private string ScalarText(DocTable table, string key, string qualified)
        {
            var node = table[key];
            switch (node)
            {
                case null:
                    Missing(table, qualified, $"{LastSegment(qualified)} = \"...\"");
                    return string.Empty;
                case DocScalar { Kind: DocNodeKind.String } text:
                    return text.AsString ?? string.Empty;
                case DocScalar { Kind: DocNodeKind.Integer } integer:
                    return ((long)integer.Value!).ToString(CultureInfo.InvariantCulture);
                case DocScalar { Kind: DocNodeKind.Boolean } boolean:
                    return (bool)boolean.Value! ? "true" : "false";
                default:
                    WrongKind(node, qualified, "a string");
                    return string.Empty;
            }
        }

        private bool Boolean(DocTable table, string key, string qualified)
        {
            var node = table[key];
            if (node is null)
            {
                return false;
            }

            if (node is DocScalar { Kind: DocNodeKind.Boolean } scalar)
            {
                return (bool)scalar.Value!;
            }

            WrongKind(node, qualified, "a boolean (true or false)");
            return false;
        }
    }
}
