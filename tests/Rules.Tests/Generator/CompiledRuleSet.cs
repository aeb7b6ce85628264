using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Rules.Runtime;

namespace Rules.Tests.Generator;

/// <summary>
/// Rule files compiled the whole way: generator, C# compiler, loaded assembly. Tests then run the real generated
/// matchers on events. Compiling many rules in one go keeps this fast.
/// </summary>
public sealed class CompiledRuleSet
{
    private CompiledRuleSet(IReadOnlyList<CompiledRule> rules, GeneratorRun run)
    {
        Rules = rules;
        Run = run;
    }

    public IReadOnlyList<CompiledRule> Rules { get; }

    public GeneratorRun Run { get; }

    public EventRule Single() => (EventRule)Rules.Single();

    public static CompiledRuleSet Compile(params InMemoryRuleFile[] files)
    {
        var run = GeneratorHarness.Run(files);
        var errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The rules did not compile:\n" + string.Join("\n", errors));
        }

        using var image = new MemoryStream();
        var emit = run.Output.Emit(image);
        if (!emit.Success)
        {
            throw new InvalidOperationException("The generated code did not compile:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
        }

        image.Position = 0;
        var context = new AssemblyLoadContext("rules-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        var assembly = context.LoadFromStream(image);
        var catalog = assembly.GetType("Rules.Generated.DetectionRuleCatalog", throwOnError: true)!;
        var all = (IReadOnlyList<CompiledRule>)catalog.GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return new CompiledRuleSet(all, run);
    }

    /// <summary>One EQL or KQL query wrapped in a minimal rule file.</summary>
    public static InMemoryRuleFile Rule(string query, string language = "eql", string name = "Test Rule", string? ruleId = null, string extraRuleKeys = "") =>
        new($"/consumer/rules/{name.Replace(' ', '_')}.toml", $"""
            [rule]
            author = ["Test"]
            description = "Test rule."
            name = "{name}"
            risk_score = 21
            rule_id = "{ruleId ?? Guid.NewGuid().ToString()}"
            severity = "low"
            type = "{(language == "eql" ? "eql" : "query")}"
            language = "{language}"
            {extraRuleKeys}
            query = '''
            {query}
            '''
            """);
}
