using System.Text.Json;
using System.Text.RegularExpressions;
using Rules.Language.Eql;
using Rules.Language.Schema;
using Xunit.Abstractions;

namespace Rules.Tests.Eql;

/// <summary>
/// The queries of Elasticsearch's own EQL spec suite (../shared/conformance/elasticsearch-eql) must parse and
/// compile against the suite's mappings. (Matching them against the suite's data needs the emitter and the
/// runtime; that test belongs with them.)
/// </summary>
public class EqlConformanceTests
{
    private static readonly string[] SupportedSuites =
    {
        "test_queries.toml", "additional_test_queries.toml", "test_extra.toml", "test_missing_events.toml",
        "test_sample.toml", "test_sample_multi.toml", "test_failing_shards.toml", "test_queries_date.toml",
        "test_queries_date_nanos.toml",
    };

    // Historical files in the old Endgame syntax ('single quotes', '=' equality, match()): Elasticsearch rejects them.
    private static readonly string[] HistoricalSuites = { "test_queries_supported.toml", "test_between_queries.toml", "test_queries_unsupported.toml" };

    private static readonly Regex QueryValue = new(
        @"^query\s*=\s*(?:'''\r?\n?(?<v>.*?)'''|""""""\r?\n?(?<v>.*?)""""""|'(?<v>[^'\r\n]*)'|""(?<v>(?:[^""\\\r\n]|\\.)*)"")",
        RegexOptions.Multiline | RegexOptions.Singleline);

    private readonly ITestOutputHelper _output;

    public EqlConformanceTests(ITestOutputHelper output) => _output = output;

    internal static string Suite => Path.Combine(TestPaths.Conformance, "elasticsearch-eql");

    public static IEnumerable<(string File, string Query)> Queries(string file) => QueriesInText(file, File.ReadAllText(Path.Combine(Suite, file)));

    public static IEnumerable<(string File, string Query)> QueriesInText(string file, string text)
    {
        // Drop commented-out lines ("#query = ..."): only live queries count.
        text = string.Join("\n", text.Split('\n').Where(line => !line.TrimStart().StartsWith('#')));
        foreach (Match match in QueryValue.Matches(text))
        {
            var value = match.Groups["v"].Value;
            if (match.Value.TrimStart().Length > 0 && Regex.IsMatch(match.Value, @"^query\s*=\s*""(?!"")"))
            {
                value = Regex.Unescape(value);
            }

            yield return (file, value);
        }
    }

    [Fact]
    public void Every_spec_suite_query_parses()
    {
        var total = 0;
        var failures = new List<string>();
        foreach (var file in SupportedSuites)
        {
            foreach (var (_, query) in Queries(file))
            {
                total++;
                var result = EqlParser.Parse(query);
                if (result.Query is null)
                {
                    failures.Add($"{file}: {query.Trim()} -> {result.Diagnostics[0]}");
                }
            }
        }

        _output.WriteLine($"Elasticsearch EQL spec: {total - failures.Count}/{total} parsed");
        failures.ForEach(_output.WriteLine);
        Assert.True(total >= 300, "expected the spec suite's queries, found " + total);
        Assert.Empty(failures);
    }

    [Fact]
    public void Every_spec_suite_query_compiles_against_the_suite_mappings()
    {
        var catalog = MappingCatalog();
        var total = 0;
        var failures = new List<string>();
        foreach (var file in SupportedSuites)
        {
            foreach (var (_, query) in Queries(file))
            {
                total++;
                var result = EqlCompiler.Compile(query, catalog);
                if (result.Plan is null)
                {
                    failures.Add($"{file}: {query.Trim()} -> {string.Join(" | ", result.Diagnostics)}");
                }
            }
        }

        _output.WriteLine($"Elasticsearch EQL spec: {total - failures.Count}/{total} compiled");
        failures.ForEach(_output.WriteLine);
        Assert.Empty(failures);
    }

    [Fact]
    public void Unsupported_spec_queries_are_rejected_with_a_diagnostic_never_an_exception()
    {
        var catalog = MappingCatalog();
        var count = 0;
        foreach (var (_, query) in HistoricalSuites.SelectMany(Queries))
        {
            count++;
            var result = EqlCompiler.Compile(query, catalog);
            Assert.True(result.Plan is not null || result.Diagnostics.Any(d => d.IsError), query);
        }

        Assert.True(count > 100);
    }

    /// <summary>All fields of the suite's mapping files (first definition wins), aliases resolved.</summary>
    internal static FieldCatalog MappingCatalog() => MappingCatalog(
        Directory.EnumerateFiles(Path.Combine(Suite, "data"), "*.mapping").OrderBy(p => p, StringComparer.Ordinal),
        Directory.EnumerateFiles(Path.Combine(Suite, "data"), "*.data").Append(Path.Combine(Suite, "test_data.json")).OrderBy(p => p, StringComparer.Ordinal));

    /// <summary>The fields of the given mappings, plus those the given data leaves to dynamic mapping.</summary>
    internal static FieldCatalog MappingCatalog(IEnumerable<string> mappingFiles, IEnumerable<string> dataFiles)
    {
        var fields = new Dictionary<string, FieldDefinition>(StringComparer.Ordinal);
        var aliases = new List<(string Path, string Target)>();
        foreach (var path in mappingFiles)
        {
            var json = string.Join("\n", File.ReadAllLines(path).Where(line => !line.TrimStart().StartsWith('#')));
            using var document = JsonDocument.Parse(json);
            Walk(document.RootElement.GetProperty("properties"), string.Empty, fields, aliases);
            if (document.RootElement.TryGetProperty("runtime", out var runtime))
            {
                Walk(runtime, string.Empty, fields, aliases);
            }
        }

        // Fields the mappings leave to dynamic mapping: typed from the suite's data as Elasticsearch would
        // (string: keyword, integer: long, decimal: double, true/false: boolean).
        foreach (var path in dataFiles)
        {
            var json = string.Join("\n", File.ReadAllLines(path).Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            using var document = JsonDocument.Parse(json);
            foreach (var element in document.RootElement.EnumerateArray())
            {
                InferFromData(element, string.Empty, fields);
            }
        }

        foreach (var (path, target) in aliases)
        {
            if (!fields.ContainsKey(path) && fields.TryGetValue(target, out var resolved))
            {
                fields[path] = resolved with { Path = path };
            }
        }

        return new FieldCatalog(fields.Values);
    }

    private static void InferFromData(JsonElement element, string prefix, Dictionary<string, FieldDefinition> fields)
    {
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix + property.Name;
            var value = property.Value;
            var isArray = value.ValueKind == JsonValueKind.Array;
            if (isArray)
            {
                var first = value.EnumerateArray().FirstOrDefault(v => v.ValueKind != JsonValueKind.Null);
                if (first.ValueKind == JsonValueKind.Undefined)
                {
                    continue;
                }

                value = first;
            }

            FieldType? type = value.ValueKind switch
            {
                JsonValueKind.String => FieldType.Keyword,
                JsonValueKind.Number => value.TryGetInt64(out _) ? FieldType.Long : FieldType.Double,
                JsonValueKind.True or JsonValueKind.False => FieldType.Boolean,
                _ => null,
            };
            if (value.ValueKind == JsonValueKind.Object)
            {
                InferFromData(value, path + ".", fields);
            }
            else if (type is not null)
            {
                fields.TryAdd(path, new FieldDefinition(path, type.Value, isArray, "spec-data", FieldSource.User));
            }
        }
    }

    private static void Walk(JsonElement properties, string prefix, Dictionary<string, FieldDefinition> fields, List<(string, string)> aliases)
    {
        foreach (var property in properties.EnumerateObject())
        {
            var path = prefix + property.Name;
            if (property.Value.TryGetProperty("properties", out var nested))
            {
                Walk(nested, path + ".", fields, aliases);
                continue;
            }

            var typeName = property.Value.TryGetProperty("type", out var type) ? type.GetString() ?? "object" : "object";
            if (typeName == "alias")
            {
                aliases.Add((path, property.Value.GetProperty("path").GetString()!));
                continue;
            }

            if (!FieldTypes.TryParse(typeName, out var fieldType))
            {
                fieldType = FieldType.Keyword; // "[runtime_random_keyword_type]": one of the keyword family
            }

            fields.TryAdd(path, new FieldDefinition(path, fieldType, false, "spec", FieldSource.User));
            if (property.Value.TryGetProperty("fields", out var multiFields))
            {
                foreach (var sub in multiFields.EnumerateObject())
                {
                    var subType = sub.Value.TryGetProperty("type", out var st) && FieldTypes.TryParse(st.GetString() ?? string.Empty, out var parsed) ? parsed : FieldType.Keyword;
                    fields.TryAdd(path + "." + sub.Name, new FieldDefinition(path + "." + sub.Name, subType, false, "spec", FieldSource.User));
                }
            }
        }
    }
}
