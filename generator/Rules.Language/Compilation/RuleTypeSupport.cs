using System.Collections.Generic;
using System.Text.RegularExpressions;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Dsl;
using Rules.Language.Ir;
using Rules.Language.Schema;
using Rules.Language.Text;

namespace Rules.Language.Compilation
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
}
