using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Rules.Language.Eql;
using Xunit.Abstractions;

namespace Rules.Tests.Conformance;

/// <summary>
/// eql-python's test_string_functions.toml: each folding test <c>expression = expected</c> becomes the rule
/// <c>process where serial_event_id == 1 and (expression == expected)</c> (or <c>== null</c> for the commented
/// <c># expected = null</c>), run through the generated code, which must match event 1 and nothing else; each
/// verifier failure must be a compile error. docs/conformance.md lists what does not apply and why.
/// </summary>
public class EqlPythonStringFunctionTests
{
    private static readonly Regex Header = new(@"^\s*\[\[?(?<name>[^\]]+)\]\]?\s*$");
    private static readonly Regex Expression = new(@"^\s*expression\s*=\s*(?:'(?<raw>.*)'|""(?<basic>.*)"")\s*$");
    private static readonly Regex Expected = new(@"^\s*(?<null>#\s*)?expected\s*=\s*(?<value>.+?)\s*$");

    private readonly ITestOutputHelper _output;

    public EqlPythonStringFunctionTests(ITestOutputHelper output) => _output = output;

    private sealed record FunctionTest(string Section, string Table, string Expression, string? Expected, bool ExpectsNull, bool CaseInsensitive);

    [Fact]
    public void Function_results_match_where_elasticsearch_has_the_function()
    {
        var tests = Read(Path.Combine(EqlPythonTests.Root, "test_string_functions.toml"));
        var queries = new List<SpecQuery>();
        var verifier = new List<FunctionTest>();
        var skips = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (test, index) in tests.Select((t, i) => (t, i + 1)))
        {
            var label = $"{test.Section}#{index}";
            var expression = ToElasticsearch(test.Expression, test.CaseInsensitive);
            string query;
            if (test.Table.EndsWith("verifier.failures", StringComparison.Ordinal))
            {
                verifier.Add(test);
                continue;
            }

            query = $"process where serial_event_id == 1 and ({expression} == {(test.ExpectsNull ? "null" : Literal(test.Expected!))})";
            queries.Add(new SpecQuery("test_string_functions.toml", index, label, query, new long[] { 1 }, false));
            if (Regex.IsMatch(test.Expression, @"^\s*(match|wildcard)\("))
            {
                skips[label] = "match()/wildcard(): not Elasticsearch EQL functions (Elasticsearch has the regex and ':' operators, covered by the spec suite)";
            }
        }

        foreach (var (label, reason) in EqlPythonDifferences.StringFunctionSkips)
        {
            skips[label] = reason;
        }

        var known = new KnownDifferences(skips, EqlPythonDifferences.StringFunctionDifferences);
        var results = new ConformanceRunner(SpecDataset.Endgame(), known).Run(queries);
        ConformanceReport.Write(_output, "eql-python/test_string_functions.toml (folding tests)", known, queries, results);

        // Verifier failures: eql-python rejects these calls (wrong argument types or counts); so does Elasticsearch.
        var accepted = verifier
            .Where(t => !Regex.IsMatch(t.Expression, @"^\s*(match|wildcard)\("))
            .Where(t => EqlCompiler.Compile($"process where {ToElasticsearch(t.Expression, false)} == null", FieldCatalog()).Plan is not null)
            .ToList();
        _output.WriteLine($"verifier failures: {verifier.Count} ({verifier.Count(t => Regex.IsMatch(t.Expression, @"^\s*(match|wildcard)\("))} of match()), all others rejected: {accepted.Count == 0}");
        Assert.True(accepted.Count == 0, "accepted calls eql-python and Elasticsearch reject: " + string.Join(", ", accepted.Select(t => t.Expression)));
    }

    private static Rules.Language.Schema.FieldCatalog FieldCatalog() => Rules.Language.Schema.FieldCatalog.BuiltIn;

    /// <summary>eql-python's single-quoted strings become double-quoted; a case-insensitive section uses the '~' form.</summary>
    private static string ToElasticsearch(string expression, bool caseInsensitive)
    {
        var converted = Regex.Replace(expression, @"'((?:[^'\\]|\\.)*)'", m => "\"" + m.Groups[1].Value.Replace("\"", "\\\"") + "\"");
        return caseInsensitive ? Regex.Replace(converted, @"^(\w+)\(", "$1~(") : converted;
    }

    private static string Literal(string tomlValue)
    {
        if (tomlValue.StartsWith('"'))
        {
            var text = Regex.Unescape(tomlValue[1..^1]);
            var builder = new StringBuilder("\"");
            foreach (var c in text)
            {
                builder.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", _ => c.ToString() });
            }

            return builder.Append('"').ToString();
        }

        return tomlValue.TrimStart('+');
    }

    private static List<FunctionTest> Read(string path)
    {
        var tests = new List<FunctionTest>();
        string section = string.Empty, table = string.Empty;
        var insensitive = new HashSet<string>(StringComparer.Ordinal);
        FunctionTest? current = null;
        foreach (var line in File.ReadAllLines(path))
        {
            if (Header.Match(line) is { Success: true } header)
            {
                Flush();
                table = header.Groups["name"].Value;
                section = table.Split('.')[0];
                continue;
            }

            if (Regex.IsMatch(line, @"^\s*case_insensitive\s*=\s*true"))
            {
                insensitive.Add(section);
            }
            else if (Expression.Match(line) is { Success: true } expression)
            {
                Flush();
                var text = expression.Groups["raw"].Success ? expression.Groups["raw"].Value : Regex.Unescape(expression.Groups["basic"].Value);
                current = new FunctionTest(section, table, text, null, false, insensitive.Contains(section));
            }
            else if (current is not null && Expected.Match(line) is { Success: true } expected)
            {
                var isNull = expected.Groups["null"].Success;
                current = current with { Expected = isNull ? null : expected.Groups["value"].Value, ExpectsNull = isNull && expected.Groups["value"].Value == "null" };
            }
        }

        Flush();
        return tests;

        void Flush()
        {
            if (current is not null)
            {
                tests.Add(current.Expected is null && !current.ExpectsNull && !current.Table.EndsWith("failures", StringComparison.Ordinal)
                    ? throw new InvalidDataException("no expected value for " + current.Expression)
                    : current);
            }

            current = null;
        }
    }
}
