using System;
using System.Collections.Generic;
using System.Linq;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Dsl;
using Rules.Language.Eql;
using Rules.Language.Ir;
using Rules.Language.Kql;
using Rules.Language.Optimization;
using Rules.Language.Schema;
using Rules.Language.Text;

namespace Rules.Language.Compilation
{
    /// <summary>One rule file compiled: the rule, its plan (null when there is an error or no matcher), and the
    /// diagnostics in file order.</summary>
    public sealed class RuleCompilation
    {
        public RuleCompilation(SourceText source, RuleDocument? rule, QueryPlan? plan, IReadOnlyList<RuleDiagnostic> diagnostics)
        {
            Source = source;
            Rule = rule;
            Plan = plan;
            Diagnostics = diagnostics;
        }

        public SourceText Source { get; }

        public RuleDocument? Rule { get; }

        public QueryPlan? Plan { get; }

        public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

        public bool HasErrors => Diagnostics.Any(d => d.IsError);
    }

    /// <summary>
    /// The whole front half for one rule file: read the file (TOML or YAML), check the rule type, compile the query
    /// with its language's front end, compile the query-DSL filters, and combine them into one plan. Used by the
    /// generator, the command line and the tests alike.
    /// </summary>
    public static class RuleCompiler
    {
        public static RuleCompilation Compile(string path, string text, FieldCatalog catalog)
        {
            var file = RuleFileReader.Read(path, text);
            var diagnostics = new List<RuleDiagnostic>(file.Diagnostics);
            if (file.Rule is null || file.HasErrors)
            {
                return new RuleCompilation(file.Source, file.Rule, null, diagnostics);
            }

            var (plan, compileDiagnostics) = CompileDocument(file.Rule, file.Source, catalog);
            diagnostics.AddRange(compileDiagnostics);
            return new RuleCompilation(file.Source, file.Rule, diagnostics.Any(d => d.IsError) ? null : plan, diagnostics);
        }

        /// <summary>A rule already read: its type checked, its query compiled by its language's front end, its
        /// filters ANDed in. The plan is null when there is an error or the type gets no matcher.</summary>
        public static (QueryPlan? Plan, IReadOnlyList<RuleDiagnostic> Diagnostics) CompileDocument(RuleDocument rule, SourceText file, FieldCatalog catalog)
        {
            var diagnostics = new List<RuleDiagnostic>();
            var unsupported = RuleTypeSupport.Check(rule, file);
            if (unsupported is not null)
            {
                diagnostics.Add(unsupported);
                return (null, diagnostics);
            }

            var query = new QuerySource(file, rule.Query, rule.QuerySourceMap ?? new StringSourceMap(rule.QuerySpan.Start));
            QueryPlan? plan;
            switch (rule.Language)
            {
                case "eql":
                    var eql = EqlCompiler.Compile(query, catalog);
                    diagnostics.AddRange(eql.Diagnostics);
                    plan = eql.Plan;
                    break;
                case "kuery":
                    var condition = KqlCompiler.Compile(query, catalog, diagnostics);
                    plan = condition is null ? null : new EventQueryPlan(EquatableArray<string>.Empty, condition);
                    break;
                default:
                    diagnostics.Add(query.Error(
                        DiagnosticIds.UnsupportedLanguage,
                        0,
                        rule.Query.Length,
                        $"Query language '{rule.Language}' is not supported: write the query in EQL (language = \"eql\") or KQL (language = \"kuery\")."));
                    return (null, diagnostics);
            }

            if (rule.Filters.Count > 0 && plan is not null)
            {
                plan = ApplyFilters(plan, rule, file, catalog, diagnostics);
            }

            if (plan is EventQueryPlan single)
            {
                plan = CategoryLifting.Apply(single);
            }

            return (diagnostics.Any(d => d.IsError) ? null : plan, diagnostics);
        }

        /// <summary>Kibana filters narrow the query: each one (negated, or skipped when disabled) is ANDed in.</summary>
        private static QueryPlan? ApplyFilters(QueryPlan plan, RuleDocument rule, SourceText source, FieldCatalog catalog, List<RuleDiagnostic> diagnostics)
        {
            if (plan is EventQueryPlan single)
            {
                var condition = FilterCompiler.ApplyFilters(single.Condition, rule.Filters.ToArray(), catalog, source, diagnostics);
                return condition is null ? null : new EventQueryPlan(single.Categories, condition);
            }

            diagnostics.Add(DiagnosticIds.UnsupportedFeature.Create(
                source,
                rule.Filters[0].Span,
                "Filters on a sequence or sample query are not supported: move the conditions into the query's stages."));
            return null;
        }
    }
}
