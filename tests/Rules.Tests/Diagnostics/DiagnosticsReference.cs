using System.Text.RegularExpressions;

namespace Rules.Tests.Diagnostics;

/// <summary>
/// docs/diagnostics.md read as data: one section per diagnostic id, each with its anchor, title, severity, example
/// files and the compiler output shown for them.
/// </summary>
/// <remarks>
/// The markdown conventions the doc follows (the intro of the doc explains them to readers too):
/// <list type="bullet">
/// <item><c>&lt;a id="drnnnn"&gt;&lt;/a&gt;</c> on the line before the heading <c>## DRnnnn: Title</c>.</item>
/// <item><c>**Severity:** error</c> (or warning) in the section.</item>
/// <item>Example files fenced as <c>```toml example rules/name.toml</c>: language, kind, file path. Kinds:
/// <c>example</c> (a rule file, compiled alone by RuleCompiler), <c>schema-example</c> (a user schema file, read by
/// UserSchemaReader), <c>generator-example</c> (all such files of the section go through the source generator
/// together).</item>
/// <item>One <c>```text</c> block: every diagnostic the examples produce, one per line, in order.</item>
/// </list>
/// </remarks>
public sealed class DiagnosticsReference
{
    private static readonly Regex Heading = new(@"^## (DR\d{4}): (.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex Anchor = new(@"^<a id=""(dr\d{4})""></a>$", RegexOptions.CultureInvariant);
    private static readonly Regex SeverityLine = new(@"^\*\*Severity:\*\* (\w+)", RegexOptions.CultureInvariant);

    private static readonly Lazy<DiagnosticsReference> Loaded = new(() =>
        Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "diagnostics.md"))));

    private DiagnosticsReference(IReadOnlyList<DocSection> sections) => Sections = sections;

    public static DiagnosticsReference Doc => Loaded.Value;

    public IReadOnlyList<DocSection> Sections { get; }

    public DocSection? Section(string id) => Sections.SingleOrDefault(s => s.Id == id);

    public static DiagnosticsReference Parse(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var sections = new List<DocSection>();
        DocSectionBuilder? current = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("## ", StringComparison.Ordinal) || line.StartsWith("# ", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    sections.Add(current.Build());
                }

                var heading = Heading.Match(line);
                current = heading.Success
                    ? new DocSectionBuilder(heading.Groups[1].Value, heading.Groups[2].Value, i + 1, AnchorBefore(lines, i))
                    : null;
                continue;
            }

            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                var info = line.Substring(3).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var body = new List<string>();
                var fenceLine = i + 1;
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                {
                    body.Add(lines[i]);
                }

                if (i >= lines.Length)
                {
                    throw new InvalidDataException($"docs/diagnostics.md({fenceLine}): the fenced block is not closed.");
                }

                current?.AddBlock(info, body, fenceLine);
                continue;
            }

            var severity = SeverityLine.Match(line);
            if (severity.Success && current is not null)
            {
                current.Severity = severity.Groups[1].Value;
            }
        }

        if (current is not null)
        {
            sections.Add(current.Build());
        }

        return new DiagnosticsReference(sections);
    }

    /// <summary>The explicit anchor on the nearest non-blank line above the heading, if there is one.</summary>
    private static string? AnchorBefore(string[] lines, int headingIndex)
    {
        for (var i = headingIndex - 1; i >= 0; i--)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            var anchor = Anchor.Match(lines[i].Trim());
            return anchor.Success ? anchor.Groups[1].Value : null;
        }

        return null;
    }

    private sealed class DocSectionBuilder(string id, string title, int line, string? anchor)
    {
        private readonly List<DocExample> _examples = new();
        private readonly List<IReadOnlyList<string>> _outputs = new();

        public string? Severity { get; set; }

        public void AddBlock(string[] info, List<string> body, int fenceLine)
        {
            if (info.Length >= 1 && info[0] == "text")
            {
                _outputs.Add(body.Where(l => l.Trim().Length > 0).ToList());
                return;
            }

            if (info.Length >= 2 && info[1] is "example" or "schema-example" or "generator-example")
            {
                if (info.Length != 3)
                {
                    throw new InvalidDataException($"docs/diagnostics.md({fenceLine}): an example's info string is '<language> {info[1]} <path>'.");
                }

                var kind = info[1] switch
                {
                    "example" => ExampleKind.Rule,
                    "schema-example" => ExampleKind.Schema,
                    _ => ExampleKind.Generator,
                };
                _examples.Add(new DocExample(kind, info[0], info[2], string.Join("\n", body) + "\n", fenceLine));
            }
        }

        public DocSection Build() => new(id, title, line, anchor, Severity, _examples, _outputs);
    }
}

public enum ExampleKind
{
    Rule,
    Schema,
    Generator,
}

/// <summary>An example file of the doc: how to compile it, its path and text, and the doc line of its fence.</summary>
public sealed record DocExample(ExampleKind Kind, string Language, string Path, string Text, int Line);

/// <summary>One <c>## DRnnnn: Title</c> section of the doc.</summary>
public sealed record DocSection(
    string Id,
    string Title,
    int Line,
    string? Anchor,
    string? Severity,
    IReadOnlyList<DocExample> Examples,
    IReadOnlyList<IReadOnlyList<string>> Outputs);
