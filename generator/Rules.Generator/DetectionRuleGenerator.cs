using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Rules.Generator.Emit;
using Rules.Generator.Model;
using Rules.Language;
using Rules.Language.Compilation;
using Rules.Language.Diagnostics;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Generator
{
    /// <summary>
    /// Compiles detection rule files (<c>&lt;DetectionRule Include="..." /&gt;</c>) into matchers. One pipeline:
    /// rule file -> parse -> bind to schema -> equatable <see cref="RuleModel"/> -> emit. Each rule file is its own
    /// branch of the pipeline, so editing one rule regenerates only that rule's file; the catalog depends only on
    /// the list of rule classes.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class DetectionRuleGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names, for tests that prove caching.</summary>
        public const string RuleFilesStep = "RuleFiles";
        public const string RuleModelsStep = "RuleModels";
        public const string SchemaStep = "UserSchema";
        public const string CatalogStep = "Catalog";

        private const string KindMetadata = "build_metadata.AdditionalFiles.RulesKind";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var inputs = context.AdditionalTextsProvider
                .Combine(context.AnalyzerConfigOptionsProvider)
                .Select(static (pair, cancellationToken) =>
                {
                    var options = pair.Right.GetOptions(pair.Left);
                    options.TryGetValue(KindMetadata, out var kind);
                    if (kind != "rule" && kind != "schema")
                    {
                        return null;
                    }

                    var text = pair.Left.GetText(cancellationToken)?.ToString() ?? string.Empty;
                    pair.Right.GlobalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out var projectDirectory);
                    return new InputFile(kind!, pair.Left.Path, DisplayPath(pair.Left.Path, projectDirectory), text);
                })
                .Where(static input => input is not null)
                .Select(static (input, _) => input!);

            var ruleFiles = inputs.Where(static input => input.Kind == "rule").WithTrackingName(RuleFilesStep);

            var userSchema = inputs
                .Where(static input => input.Kind == "schema")
                .Select(static (input, _) => UserSchemaModel.Read(input.Path, input.Text))
                .Collect()
                .Select(static (files, _) => UserSchemaModel.Merge(files))
                .WithTrackingName(SchemaStep);

            var models = ruleFiles
                .Combine(userSchema)
                .Select(static (pair, cancellationToken) => BuildModel(pair.Left, pair.Right, cancellationToken))
                .WithTrackingName(RuleModelsStep);

            context.RegisterSourceOutput(userSchema, static (spc, schema) =>
            {
                foreach (var diagnostic in schema.Diagnostics)
                {
                    spc.ReportDiagnostic(DiagnosticMapping.ToRoslyn(diagnostic));
                }
            });

            var catalog = models
                .Select(static (model, _) => model.HasMatcher ? new RuleCatalogEntry(model.ClassName, model.Rule!.RuleId, model.FilePath) : null)
                .Where(static entry => entry is not null)
                .Select(static (entry, _) => entry!)
                .Collect()
                .Select(static (entries, _) => new EquatableArray<RuleCatalogEntry>(entries.OrderBy(e => e.ClassName, StringComparer.Ordinal).ThenBy(e => e.FilePath, StringComparer.Ordinal)))
                .WithTrackingName(CatalogStep);

            // Duplicate class names and rule ids: the later rule is reported and gets no class (RuleConflicts). Each
            // rule's emission depends only on whether it is rejected, so editing one rule still regenerates one file.
            var conflicts = catalog.Select(static (entries, _) => RuleConflicts.Find(entries));
            var emissions = models
                .Combine(conflicts)
                .Select(static (pair, _) => (Model: pair.Left, Rejected: RuleConflicts.IsRejected(pair.Right, pair.Left.FilePath)));
            context.RegisterSourceOutput(emissions, static (spc, emission) => EmitRule(spc, emission.Model, emission.Rejected));
            context.RegisterSourceOutput(catalog.Combine(conflicts), static (spc, pair) => EmitCatalog(spc, pair.Left, pair.Right));
        }

        private static RuleModel BuildModel(InputFile file, UserSchemaModel schema, System.Threading.CancellationToken cancellationToken)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = RuleCompiler.Compile(file.Path, file.Text, schema.Catalog);
                var className = result.Rule is null ? "InvalidRule" : ClassNameFor(result.Rule.Name, result.Rule.RuleId);
                var hintName = className + "." + StableHash(file.DisplayPath) + ".g.cs";
                var diagnostics = result.Diagnostics.ToList();
                var plan = result.Plan;
                if (plan is not null && !RuleEmitter.Supports(plan))
                {
                    diagnostics.Add(DiagnosticIds.UnsupportedFeature.Create(
                        result.Source,
                        result.Rule!.QuerySpan,
                        plan is PipedPlan
                            ? "'| head' and '| tail' have no meaning for a single-event rule over a stream (they need a sequence or sample): remove the pipe. The rule gets no matcher."
                            : $"This query compiles to a {plan.GetType().Name}, which the code generator cannot emit; the rule gets no matcher."));
                    plan = null;
                }

                var hasErrors = diagnostics.Any(d => d.IsError);
                return new RuleModel(
                    file.DisplayPath,
                    hintName,
                    className,
                    result.Rule,
                    hasErrors ? null : plan,
                    diagnostics.ToEquatableArray());
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception exception)
            {
                // The generator never throws: an unexpected failure is a located diagnostic on the rule file.
                var source = new Language.Text.SourceText(file.Path, file.Text);
                var diagnostic = DiagnosticIds.InternalError.Create(
                    source,
                    new Language.Text.SourceSpan(0, 0),
                    $"The rule compiler failed on this file: {exception.GetType().Name}: {exception.Message}. Please report this with the rule file.");
                return new RuleModel(file.DisplayPath, "InvalidRule.g.cs", "InvalidRule", null, null, new EquatableArray<RuleDiagnostic>(new[] { diagnostic }));
            }
        }

        private static void EmitRule(SourceProductionContext context, RuleModel model, bool rejected)
        {
            foreach (var diagnostic in model.Diagnostics)
            {
                context.ReportDiagnostic(DiagnosticMapping.ToRoslyn(diagnostic));
            }

            if (!model.HasMatcher || rejected)
            {
                return;
            }

            string source;
            try
            {
                source = RuleEmitter.Emit(model);
            }
            catch (Exception exception)
            {
                var text = new Language.Text.SourceText(model.FilePath, string.Empty);
                context.ReportDiagnostic(DiagnosticMapping.ToRoslyn(DiagnosticIds.InternalError.Create(
                    text,
                    new Language.Text.SourceSpan(0, 0),
                    $"Generating the matcher failed: {exception.GetType().Name}: {exception.Message}. Please report this with the rule file.")));
                return;
            }

            context.AddSource(model.HintName, SourceText.From(source, Encoding.UTF8));
        }

        private static void EmitCatalog(SourceProductionContext context, EquatableArray<RuleCatalogEntry> entries, EquatableArray<RuleDiagnostic> conflicts)
        {
            foreach (var conflict in conflicts)
            {
                context.ReportDiagnostic(DiagnosticMapping.ToRoslyn(conflict));
            }

            var emitted = entries.Where(entry => !RuleConflicts.IsRejected(conflicts, entry.FilePath)).ToList();
            context.AddSource("DetectionRuleCatalog.g.cs", SourceText.From(CatalogEmitter.Emit(emitted), Encoding.UTF8));
        }

        internal static string DisplayPath(string path, string? projectDirectory)
        {
            var normalized = path.Replace('\\', '/');
            if (!string.IsNullOrEmpty(projectDirectory))
            {
                var directory = projectDirectory!.Replace('\\', '/').TrimEnd('/') + "/";
                if (normalized.StartsWith(directory, StringComparison.Ordinal))
                {
                    return normalized.Substring(directory.Length);
                }
            }

            return normalized;
        }

        /// <summary>The rule's name as a C# class name: "Persistence via WMI ..." -> PersistenceViaWMI...</summary>
        internal static string ClassNameFor(string ruleName, string ruleId)
        {
            var name = CSharp.Identifier(ruleName, 100);
            return name == "_" ? "Rule_" + CSharp.Identifier(ruleId) : name;
        }

        /// <summary>FNV-1a over the path: stable across processes (string.GetHashCode is randomised).</summary>
        internal static string StableHash(string text)
        {
            unchecked
            {
                var hash = 2166136261u;
                foreach (var c in text)
                {
                    hash = (hash ^ c) * 16777619u;
                }

                return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>A rule or schema file as the pipeline sees it; equatable by content.</summary>
    /// <remarks><see cref="DisplayPath"/> is relative to the project, so generated code does not depend on where
    /// the project sits on disk; diagnostics use the full <see cref="Path"/>.</remarks>
    internal sealed record InputFile(string Kind, string Path, string DisplayPath, string Text);
}
