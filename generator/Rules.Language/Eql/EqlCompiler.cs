using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;
using Rules.Language.Ir;
using Rules.Language.Schema;
using Rules.Language.Text;

namespace Rules.Language.Eql
{
    /// <summary>The result of compiling an EQL query: the plan (null when there is an error) and the diagnostics.</summary>
    public sealed class EqlCompileResult
    {
        public EqlCompileResult(QueryPlan? plan, IReadOnlyList<RuleDiagnostic> diagnostics, EqlQuery? syntax)
        {
            Plan = plan;
            Diagnostics = diagnostics;
            Syntax = syntax;
        }

        public QueryPlan? Plan { get; }

        public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

        /// <summary>The parsed tree (null on a syntax error).</summary>
        public EqlQuery? Syntax { get; }

        public void Deconstruct(out QueryPlan? plan, out IReadOnlyList<RuleDiagnostic> diagnostics)
        {
            plan = Plan;
            diagnostics = Diagnostics;
        }
    }

    /// <summary>
    /// Parses, binds, type-checks and lowers an EQL query into the two-valued IR. Elasticsearch evaluates EQL with
    /// SQL's three-valued logic (a comparison with a null or missing value is null; <c>not null</c> is null; a null
    /// condition does not match). Each condition is therefore lowered to a pair: when it is true, and when it is
    /// false; <c>not</c> swaps them, so the IR needs no nulls (docs/eql.md, "Nulls and missing fields").
    /// </summary>
    public static class EqlCompiler
    {
        public static EqlCompileResult Compile(QuerySource source, FieldCatalog catalog)
        {
            var parsed = EqlParser.Parse(source);
            var diagnostics = new List<RuleDiagnostic>(parsed.Diagnostics);
            if (parsed.Query is null)
            {
                return new EqlCompileResult(null, diagnostics, null);
            }

            var lowering = new EqlLowering(source, catalog, diagnostics);
            QueryPlan? plan;
            try
            {
                plan = lowering.LowerQuery(parsed.Query);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // A defect in the lowering must not escape the library as an exception: report it at the query.
                diagnostics.Add(source.Error(DiagnosticIds.EqlSyntax, 0, source.Query.Length, "Internal error while compiling this EQL query (" + exception.GetType().Name + ": " + exception.Message + "). Please report it."));
                plan = null;
            }

            var hasError = diagnostics.Any(d => d.IsError);
            return new EqlCompileResult(hasError ? null : plan, diagnostics, parsed.Query);
        }

        public static EqlCompileResult Compile(string query, FieldCatalog catalog) => Compile(QuerySource.ForText(query), catalog);
    }
}
