using System.Text;
using Rules.Language.Documents;
using Rules.Language.Text;
using Rules.Language.Toml;
using Xunit.Abstractions;

namespace Rules.Tests.Documents;

/// <summary>Every rule of the Elastic corpus reads without a diagnostic; the EQL conformance files parse as TOML.</summary>
public class CorpusReadTests
{
    private readonly ITestOutputHelper _output;

    public CorpusReadTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_corpus_rule_file_reads_into_a_rule()
    {
        var files = Directory.GetFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        var failures = new StringBuilder();
        var read = 0;
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var result = RuleFileReader.Read(file, File.ReadAllText(file));
            if (result.Rule is null || result.Diagnostics.Count > 0)
            {
                failures.AppendLine(Path.GetRelativePath(TestPaths.Corpus, file));
                foreach (var diagnostic in result.Diagnostics)
                {
                    failures.AppendLine("  " + diagnostic);
                }

                continue;
            }

            read++;
            var rule = result.Rule;
            byType[rule.Type] = byType.TryGetValue(rule.Type, out var count) ? count + 1 : 1;
            Assert.False(string.IsNullOrEmpty(rule.RuleId));
            if (rule.Type != "machine_learning")
            {
                // The query's source map points at the query's first character in the file.
                Assert.NotNull(rule.QuerySourceMap);
                var text = result.Source.Text;
                var first = rule.Query.Length > 0 ? rule.QuerySourceMap!.MapOffset(0) : -1;
                if (first >= 0)
                {
                    Assert.Equal(rule.Query[0], text[first]);
                }
            }
        }

        _output.WriteLine($"Rule files: {read}/{files.Length} read");
        _output.WriteLine("By type: " + string.Join(", ", byType.Select(p => $"{p.Key} {p.Value}")));
        Assert.True(files.Length >= 2066, $"Expected the 2,066 corpus files, found {files.Length}.");
        Assert.True(failures.Length == 0, "Rule files that did not read:\n" + failures);
    }

    [Fact]
    public void Mutated_corpus_files_never_throw_and_errors_stay_in_the_file()
    {
        // Delete, duplicate or replace a few characters of real rules, as TOML and as YAML: the readers must answer
        // with a rule or with located diagnostics, never with an exception.
        var files = Directory.GetFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        var random = new Random(2066);
        const string noise = "[]{}=\"'#,.\n\r\t\\:-|>&*!?";
        var errors = 0;
        for (var n = 0; n < 400; n++)
        {
            var file = files[random.Next(files.Length)];
            var original = File.ReadAllText(file);
            var tree = RuleFileReader.Read(file, original).Tree!;
            var variants = new[] { (file, original), (Path.ChangeExtension(file, ".yml"), YamlRoundTripTests.ToYaml(tree, YamlRoundTripTests.NewStyleRotation())) };
            foreach (var (path, text) in variants)
            {
                var chars = new StringBuilder(text);
                for (var edits = random.Next(1, 4); edits > 0 && chars.Length > 0; edits--)
                {
                    var at = random.Next(chars.Length);
                    switch (random.Next(3))
                    {
                        case 0: chars.Remove(at, Math.Min(chars.Length - at, random.Next(1, 5))); break;
                        case 1: chars.Insert(at, chars[at]); break;
                        default: chars[at] = noise[random.Next(noise.Length)]; break;
                    }
                }

                var mutated = chars.ToString();
                var result = RuleFileReader.Read(path, mutated);
                Assert.True(result.Rule != null || result.Diagnostics.Any(d => d.IsError));
                foreach (var diagnostic in result.Diagnostics)
                {
                    Assert.InRange(diagnostic.Location.Span.Start, 0, mutated.Length);
                    Assert.InRange(diagnostic.Location.Span.End, 0, mutated.Length);
                    errors++;
                }
            }
        }

        _output.WriteLine($"800 mutated rule files read; {errors} diagnostics, all inside their file");
    }

    public static IEnumerable<object[]> ConformanceFiles()
    {
        foreach (var folder in new[] { "elasticsearch-eql", "eql-python" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Conformance, folder), "*.toml").OrderBy(f => f, StringComparer.Ordinal))
            {
                yield return new object[] { folder + "/" + Path.GetFileName(file) };
            }
        }
    }

    [Theory]
    [MemberData(nameof(ConformanceFiles))]
    public void Conformance_toml_files_parse(string relativePath)
    {
        var path = Path.Combine(TestPaths.Conformance, relativePath);
        var source = new SourceText(path, File.ReadAllText(path));
        var result = TomlReader.Parse(source);
        if (relativePath == "elasticsearch-eql/test_extra.toml")
        {
            // TOML has no null: `join_keys = [null]` on line 381 is invalid, as Python's tomllib also reports (line 381, column 14).
            var error = Assert.Single(result.Diagnostics);
            Assert.Equal("DR1001", error.Id);
            Assert.Equal(new LinePosition(380, 13), error.Location.Start);
            Assert.Contains("'null'", error.Message);
            Assert.Null(result.Root);
            return;
        }

        Assert.Empty(result.Diagnostics);
        Assert.NotNull(result.Root);
        Assert.NotEmpty(result.Root!.Entries);
        if (result.Root["queries"] is DocArray queries)
        {
            // The EQL suites: an array of tables, each with a query string.
            Assert.NotEmpty(queries.Items);
            foreach (var item in queries.Items)
            {
                var query = Assert.IsType<DocScalar>(Assert.IsType<DocTable>(item)["query"]);
                Assert.Equal(DocNodeKind.String, query.Kind);
            }
        }
    }
}
