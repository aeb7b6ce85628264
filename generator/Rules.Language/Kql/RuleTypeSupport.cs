using System.Collections.Generic;
using System.Text.RegularExpressions;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Dsl;
using Rules.Language.Ir;
using Rules.Language.Schema;
using Rules.Language.Text;

namespace Rules.Language.Kql
{
    /// <summary>Which rule types this compiler turns into matchers.</summary>
    public static class RuleTypeSupport
    {
        private static readonly Regex TypeKey = new Regex(@"^[ \t]*type[ \t]*[=:]", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        private static readonly Regex RuleTable = new Regex(@"^[ \t]*(\[rule\]|rule:)", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        /// <summary>Rule types whose query is KQL (or Lucene) and compiles to a per-event condition.</summary>
        public static bool IsQueryRuleType(string type) => type == "query" || type == "new_terms" || type == "threshold";

        /// <summary>Rule types that exist in Elastic but have no matcher here (they need indicator indices, ES|QL or ML jobs).</summary>
        public static bool IsUnsupportedRuleType(string type) => type == "threat_match" || type == "esql" || type == "machine_learning";

        /// <summary>A DR7001 warning for threat_match, esql and machine_learning rules (no matcher is generated), else null.</summary>
        public static RuleDiagnostic? Check(RuleDocument rule, SourceText file)
        {
            if (!IsUnsupportedRuleType(rule.Type))
            {
                return null;
            }

            var reason = rule.Type switch
            {
                "threat_match" => "it matches events against threat-indicator indices at search time",
                "esql" => "its ES|QL query runs in Elasticsearch",
                _ => "it needs a machine-learning job's anomaly results",
            };
            return DiagnosticIds.UnsupportedRuleType.Create(file, LocateTypeKey(file), $"Rule type '{rule.Type}' is not supported: {reason}. No matcher is generated for rule '{rule.Name}'.");
        }

        private static SourceSpan LocateTypeKey(SourceText file)
        {
            // The rule's own type key: after the [rule] table (TOML) or rule: mapping (YAML) when there is one.
            var table = RuleTable.Match(file.Text);
            var match = TypeKey.Match(file.Text, table.Success ? table.Index : 0);
            if (!match.Success && table.Success)
            {
                match = TypeKey.Match(file.Text);
            }

            if (!match.Success)
            {
                return new SourceSpan(0, 0);
            }

            var lineEnd = file.Text.IndexOf('\n', match.Index);
            var end = lineEnd < 0 ? file.Text.Length : lineEnd;
            var start = match.Index + (match.Value.Length - match.Value.TrimStart().Length);
            return SourceSpan.FromBounds(start, end > start && file.Text[end - 1] == '\r' ? end - 1 : end);
        }
    }

    /// <summary>
    /// Compiles a query, new_terms or threshold rule: its KQL query (language kuery) combined with its filters,
    /// into one per-event plan. new_terms and threshold add history or counting on top, outside the per-event
    /// condition; their query compiles like any other.
    /// </summary>
    public static class KqlRuleCompiler
    {
        public static (QueryPlan? Plan, IReadOnlyList<RuleDiagnostic> Diagnostics) Compile(RuleDocument rule, SourceText file, FieldCatalog catalog)
        {
            var diagnostics = new List<RuleDiagnostic>();
            var unsupported = RuleTypeSupport.Check(rule, file);
            if (unsupported is not null)
            {
                diagnostics.Add(unsupported);
                return (null, diagnostics);
            }

            var map = rule.QuerySourceMap ?? new StringSourceMap(rule.QuerySpan.Start);
            var source = new QuerySource(file, rule.Query, map);
            if (rule.Language != "kuery")
            {
                diagnostics.Add(source.Error(
                    DiagnosticIds.UnsupportedLanguage,
                    0,
                    rule.Query.Length,
                    $"Query language '{rule.Language}' is not supported for {rule.Type} rules; write the query in KQL (language = \"kuery\")."));
                return (null, diagnostics);
            }

            var condition = KqlCompiler.Compile(source, catalog, diagnostics);
            if (condition is null)
            {
                return (null, diagnostics);
            }

            var filtered = FilterCompiler.ApplyFilters(condition, rule.Filters, catalog, file, diagnostics);
            return filtered is null ? (null, diagnostics) : (new EventQueryPlan(EquatableArray<string>.Empty, filtered), diagnostics);
        }
    }
}
