using System.Reflection;
using Microsoft.CodeAnalysis;
using Rules.Language.Compilation;
using Rules.Language.Diagnostics;
using Rules.Language.Schema;
using Rules.Tests.Generator;
using RuleDescriptor = Rules.Language.Diagnostics.DiagnosticDescriptor;

namespace Rules.Tests.Diagnostics;

/// <summary>
/// docs/diagnostics.md is the reference users reach from the help link of every diagnostic: it must cover every id,
/// and every example in it must make the compiler print exactly what the doc shows.
/// </summary>
public sealed class DiagnosticsReferenceTests
{
    /// <summary>Ids whose example cannot be run, with the reason (the doc explains it too).</summary>
    private const string InternalErrorReason =
        "DR9001 is reported only when the compiler itself fails; no rule file triggers it on purpose.";

    private static readonly HashSet<string> WithoutExample = new(StringComparer.Ordinal) { "DR9001" };

    /// <summary>Every public static descriptor of DiagnosticIds (reflection is for this test only).</summary>
    private static IReadOnlyList<RuleDescriptor> Descriptors { get; } = typeof(DiagnosticIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(RuleDescriptor))
        .Select(f => (RuleDescriptor)f.GetValue(null)!)
        .ToList();

    public static TheoryData<string> IdsWithExamples()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in Descriptors.Where(d => !WithoutExample.Contains(d.Id)).OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Fact]
    public void Every_diagnostic_id_has_a_section_and_every_section_names_a_real_id()
    {
        var doc = DiagnosticsReference.Doc;
        Assert.Contains(Descriptors, d => d.Id == "DR1001");
        Assert.Contains(Descriptors, d => d.Id == "DR9002");

        var documented = doc.Sections.Select(s => s.Id).ToList();
        var declared = Descriptors.Select(d => d.Id).ToList();
        Assert.Empty(declared.Except(documented, StringComparer.Ordinal));
        Assert.Empty(documented.Except(declared, StringComparer.Ordinal));
        Assert.Equal(documented.Distinct(StringComparer.Ordinal).Count(), documented.Count);
        Assert.Equal(documented.OrderBy(id => id, StringComparer.Ordinal), documented);
    }

    [Fact]
    public void Every_section_has_the_help_link_anchor_title_and_severity_of_its_descriptor()
    {
        foreach (var descriptor in Descriptors)
        {
            var section = DiagnosticsReference.Doc.Section(descriptor.Id);
            Assert.NotNull(section);
            var where = $"docs/diagnostics.md({section.Line}) {descriptor.Id}";

            // The generator's help link is docs/diagnostics.md#drnnnn (DiagnosticMapping).
            Assert.True(descriptor.Id.ToLowerInvariant() == section.Anchor, $"{where}: expected <a id=\"{descriptor.Id.ToLowerInvariant()}\"></a> above the heading.");
            Assert.True(descriptor.Title == section.Title, $"{where}: the heading says '{section.Title}', the descriptor '{descriptor.Title}'.");
            Assert.True(descriptor.Severity.ToString().ToLowerInvariant() == section.Severity, $"{where}: the section says severity '{section.Severity}', the descriptor {descriptor.Severity}.");
        }
    }

    [Fact]
    public void The_help_link_of_a_reported_diagnostic_names_the_doc_and_its_anchor()
    {
        var run = GeneratorHarness.Run(new InMemoryRuleFile("/consumer/rules/bad.toml", "[rule]\nseverity = medium\n"));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("docs/diagnostics.md#dr1001", diagnostic.Descriptor.HelpLinkUri);
        Assert.NotNull(DiagnosticsReference.Doc.Sections.SingleOrDefault(s => s.Anchor == "dr1001"));
    }

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    [InlineData("DR9001", Skip = InternalErrorReason)]
    public void The_example_produces_its_id_and_the_message_the_doc_shows(string id)
    {
        var section = DiagnosticsReference.Doc.Section(id);
        Assert.NotNull(section);
        var where = $"docs/diagnostics.md({section.Line}) {id}";
        Assert.True(section.Examples.Count > 0, $"{where}: the section has no example (fence it as ```toml example rules/name.toml).");
        var expected = Assert.Single(section.Outputs);

        var actual = Run(section.Examples);

        Assert.True(
            actual.Any(line => line.Contains($" {id}: ", StringComparison.Ordinal)),
            $"{where}: the example does not produce {id}. The compiler printed:\n{string.Join("\n", actual)}");
        Assert.True(
            expected.SequenceEqual(actual),
            $"{where}: the doc shows\n{string.Join("\n", expected)}\nbut the compiler printed:\n{string.Join("\n", actual)}");
    }

    [Fact]
    public void The_internal_error_section_explains_instead_of_showing_an_example()
    {
        foreach (var id in WithoutExample)
        {
            var section = DiagnosticsReference.Doc.Section(id);
            Assert.NotNull(section);
            Assert.Empty(section.Examples);
            Assert.Empty(section.Outputs);
        }
    }

    [Fact]
    public void The_doc_reader_finds_examples_and_outputs()
    {
        const string markdown = """
            # Diagnostics

            <a id="dr2003"></a>
            ## DR2003: Invalid rule value

            **Severity:** error

            ```toml example rules/a.toml
            [rule]
            ```

            ```toml
            not an example
            ```

            ```text
            rules/a.toml(1,1): error DR2003: message
            ```

            ## Other heading
            """;
        var section = Assert.Single(DiagnosticsReference.Parse(markdown).Sections);
        Assert.Equal(("DR2003", "Invalid rule value", "dr2003", "error"), (section.Id, section.Title, section.Anchor, section.Severity));
        var example = Assert.Single(section.Examples);
        Assert.Equal((ExampleKind.Rule, "toml", "rules/a.toml", "[rule]\n"), (example.Kind, example.Language, example.Path, example.Text));
        Assert.Equal(new[] { "rules/a.toml(1,1): error DR2003: message" }, Assert.Single(section.Outputs));
    }

    /// <summary>What the compiler prints for a section's examples, one diagnostic a line.</summary>
    private static IReadOnlyList<string> Run(IReadOnlyList<DocExample> examples)
    {
        if (examples.All(e => e.Kind == ExampleKind.Generator))
        {
            return RunGenerator(examples);
        }

        Assert.True(examples.All(e => e.Kind != ExampleKind.Generator), "Generator examples are compiled together; do not mix them with other kinds in one section.");
        var lines = new List<string>();
        foreach (var example in examples)
        {
            var diagnostics = example.Kind == ExampleKind.Schema
                ? UserSchemaReader.Read(example.Path, example.Text).Diagnostics
                : RuleCompiler.Compile(example.Path, example.Text, FieldCatalog.BuiltIn).Diagnostics;
            lines.AddRange(diagnostics.Select(d => d.ToString()));
        }

        return lines;
    }

    /// <summary>The files go through the source generator as one project's DetectionRule items (in /consumer);
    /// diagnostics are printed as the build prints them, with project-relative paths.</summary>
    private static IReadOnlyList<string> RunGenerator(IReadOnlyList<DocExample> examples)
    {
        const string project = "/consumer/";
        var run = GeneratorHarness.Run(examples.Select(e => new InMemoryRuleFile(project + e.Path, e.Text)).ToArray());
        return run.GeneratorDiagnostics
            .Concat(run.CompilationDiagnostics)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                var path = span.Path.StartsWith(project, StringComparison.Ordinal) ? span.Path.Substring(project.Length) : span.Path;
                var severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning";
                return $"{path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {severity} {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .ToList();
    }
}
