using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Rules.Generator;

namespace Rules.Tests.Generator;

/// <summary>Drives the generator with CSharpGeneratorDriver over in-memory rule files, as the compiler would.</summary>
public sealed class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = trusted
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                           || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(Rules.Runtime.EcsEvent).Assembly.Location));
        return references.ToImmutableArray();
    });

    public static CSharpCompilation CreateCompilation(string? extraSource = null)
    {
        var syntaxTrees = extraSource is null
            ? Array.Empty<SyntaxTree>()
            : new[] { CSharpSyntaxTree.ParseText(extraSource, new CSharpParseOptions(LanguageVersion.Latest)) };
        return CSharpCompilation.Create(
            "RulesConsumer",
            syntaxTrees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithGeneralDiagnosticOption(ReportDiagnostic.Error)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    // Assembly-unification notes about the framework references are not about generated code.
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));
    }

    public static GeneratorDriver CreateDriver(IEnumerable<InMemoryRuleFile> files) =>
        CSharpGeneratorDriver.Create(
            new[] { new DetectionRuleGenerator().AsSourceGenerator() },
            files.Select(f => (AdditionalText)f),
            new CSharpParseOptions(LanguageVersion.Latest),
            new RuleFileOptionsProvider(files),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params InMemoryRuleFile[] files)
    {
        var compilation = CreateCompilation();
        var driver = CreateDriver(files).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver, output, diagnostics);
    }

    /// <summary>The seed rules of the bundled rules/ project, as rule files.</summary>
    public static InMemoryRuleFile[] SeedRules() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "rules", "seeds"))
            .Where(p => p.EndsWith(".toml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new InMemoryRuleFile("/consumer/rules/" + Path.GetFileName(p), File.ReadAllText(p)))
            .ToArray();
}

public sealed record GeneratorRun(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorDriverRunResult Result => Driver.GetRunResult();

    public IReadOnlyList<GeneratedSourceResult> Sources => Result.Results.Single().GeneratedSources;

    public string Source(string hintNamePrefix) =>
        Sources.Single(s => s.HintName.StartsWith(hintNamePrefix, StringComparison.Ordinal)).SourceText.ToString();

    /// <summary>Errors and warnings of compiling the consumer with the generated code, warnings as errors.</summary>
    public IReadOnlyList<Diagnostic> CompilationDiagnostics =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
}

/// <summary>A rule or schema file handed to the generator, tagged as the props file tags DetectionRule items.</summary>
public sealed class InMemoryRuleFile : AdditionalText
{
    private readonly SourceText _text;

    public InMemoryRuleFile(string path, string text, string kind = "rule")
    {
        Path = path;
        Kind = kind;
        _text = SourceText.From(text, Encoding.UTF8);
    }

    public override string Path { get; }

    public string Kind { get; }

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

internal sealed class RuleFileOptionsProvider : AnalyzerConfigOptionsProvider
{
    private readonly Dictionary<string, string> _kinds;

    public RuleFileOptionsProvider(IEnumerable<InMemoryRuleFile> files) =>
        _kinds = files.ToDictionary(f => f.Path, f => f.Kind);

    public override AnalyzerConfigOptions GlobalOptions { get; } =
        new DictionaryOptions(new Dictionary<string, string> { ["build_property.MSBuildProjectDirectory"] = "/consumer" });

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new DictionaryOptions(new());

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new DictionaryOptions(_kinds.TryGetValue(textFile.Path, out var kind)
            ? new Dictionary<string, string> { ["build_metadata.AdditionalFiles.RulesKind"] = kind }
            : new Dictionary<string, string>());

    private sealed class DictionaryOptions(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
