using Rules.Runtime;
using Rules.Tests.Generator;

namespace Rules.Tests.Conformance;

/// <summary>
/// The harness itself can fail: a wrong expectation, a stale known difference and a query that does not compile
/// are each reported as failures. And the emitter fixes the suite found, on events built in code.
/// </summary>
public class ConformanceHarnessTests
{
    private static SpecQuery Query(string name, string query, params long[] expected) =>
        new("harness.toml", 1, name, query, expected, false);

    [Fact]
    public void Wrong_ids_stale_differences_and_compile_errors_fail()
    {
        var known = new KnownDifferences(differences: new(StringComparer.Ordinal) { ["stale"] = "listed but matching" });
        var results = new ConformanceRunner(SpecDataset.Endgame(), known).Run(new[]
        {
            Query("right", "process where serial_event_id == 2", 2),
            Query("wrong", "process where serial_event_id == 2", 3),
            Query("stale", "process where serial_event_id == 4", 4),
            Query("broken", "process where no_such_field == 1", 1),
            Query("window", "process where serial_event_id < 10 | tail 2 | head 1", 8),
            Query("size", "process where serial_event_id < 10", 1, 2) with { Options = Options("size", "2") },
            Query("sequence", "sequence by event_type [process where serial_event_id == 1] [process where serial_event_id == 2]", 1, 2) with { JoinKeys = new[] { "process" } },
            Query("sequence wrong ids", "sequence [process where serial_event_id == 1] [process where serial_event_id == 2]", 2, 1),
            Query("sequence wrong keys", "sequence by event_type [process where serial_event_id == 1] [process where serial_event_id == 2]", 1, 2) with { JoinKeys = new[] { "file" } },
            Query("alternatives", "sequence [process where serial_event_id == 1] [process where serial_event_id == 2]") with { ExpectedAnswers = new[] { new long[] { 9, 9 }, new long[] { 1, 2 } } },
            Query("sample", "sample by unique_pid [process where serial_event_id == 3] [process where serial_event_id == 3]"),
            Query("unknown option", "process where serial_event_id == 2", 2) with { Options = Options("fetch_size", "5") },
        });

        var outcome = results.ToDictionary(r => r.Query.Name, r => r.Outcome);
        Assert.Equal(SpecOutcome.Passed, outcome["right"]);
        Assert.Equal(SpecOutcome.Failed, outcome["wrong"]);
        Assert.Equal(SpecOutcome.Failed, outcome["stale"]);
        Assert.Equal(SpecOutcome.Failed, outcome["broken"]);
        Assert.Equal(SpecOutcome.Passed, outcome["window"]);
        Assert.Equal(SpecOutcome.Passed, outcome["size"]);
        Assert.Equal(SpecOutcome.Passed, outcome["sequence"]);
        Assert.Equal(SpecOutcome.Failed, outcome["sequence wrong ids"]);
        Assert.Equal(SpecOutcome.Failed, outcome["sequence wrong keys"]);
        Assert.Equal(SpecOutcome.Passed, outcome["alternatives"]);
        Assert.Equal(SpecOutcome.Passed, outcome["sample"]); // one event cannot fill two stages: no sample
        Assert.Equal(SpecOutcome.Skipped, outcome["unknown option"]);
    }

    private static Dictionary<string, string> Options(string key, string value) => new(StringComparer.Ordinal) { [key] = value };

    [Fact]
    public void Spec_tables_give_alternatives_join_keys_and_request_options()
    {
        var path = Path.Combine(SpecDataset.Root, "test_sample_multi.toml");
        var query = SpecQueryFile.Read(path).Single(q => q.Name == "twoSamplesPerKeyOutOfThree");
        Assert.Equal(6, query.ExpectedAnswers.Count);
        Assert.Equal(new long[] { 7, 6, 1, 3, 2, 3 }, query.ExpectedAnswers[0]);
        Assert.Equal(new[] { "redhat", "win10", "win10" }, query.JoinKeys);
        Assert.Equal("2", query.Options["max_samples_per_key"]);
        var extra = SpecQueryFile.Read(Path.Combine(SpecDataset.Root, "test_extra.toml"));
        Assert.Contains(extra, q => q.JoinKeys is { } keys && keys.Contains("null"));
        Assert.All(extra, q => Assert.Empty(q.Options));
    }

    [Theory]
    [InlineData("process where serial_event_id = 1 and opcode != 2 and pid <= 4", "process where serial_event_id == 1 and opcode != 2 and pid <= 4")]
    [InlineData("file where startsWith(file_name, 'explorer.') and user_name == \"a'b\"", "file where startsWith(file_name, \"explorer.\") and user_name == \"a'b\"")]
    [InlineData("process where x == 'say \"hi\"'", "process where x == \"say \\\"hi\\\"\"")]
    [InlineData("process where match(command_line, ?'\\s+')", "process where match(command_line, \"\"\"\\s+\"\"\")")]
    [InlineData("sequence with maxspan=1d [file where opcode=0] [process where true]", "sequence with maxspan=1d [file where opcode==0] [process where true]")]
    public void Eql_python_spelling_becomes_elasticsearch_spelling(string python, string elasticsearch) =>
        Assert.Equal(elasticsearch, EqlPythonDialect.ToElasticsearch(python));

    [Fact]
    public void Mapping_becomes_a_schema_with_aliases_copied_into_the_events()
    {
        var dataset = SpecDataset.Endgame();
        Assert.Contains("name: \"serial_event_id\", type: long", dataset.SchemaYaml, StringComparison.Ordinal);
        Assert.Contains("name: \"source_address\", type: ip", dataset.SchemaYaml, StringComparison.Ordinal);
        Assert.Contains("name: \"unique_pid\", type: long", dataset.SchemaYaml, StringComparison.Ordinal); // dynamic mapping
        Assert.DoesNotContain("\"@timestamp\"", dataset.SchemaYaml, StringComparison.Ordinal); // ECS's own
        var first = dataset.Events[1].Json;
        Assert.Contains("\"event.category\":\"process\"", first, StringComparison.Ordinal);
        Assert.Contains("\"@timestamp\":\"2017-08-30T20:47:31.000Z\"", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Emitted_concat_negation_and_computed_targets_run()
    {
        var schema = new InMemoryRuleFile("/consumer/schema/fields.yml", "fields:\n  - { name: acme.count, type: long }\n  - { name: acme.left, type: keyword }\n  - { name: left, type: keyword }\n", kind: "schema");
        var rules = CompiledRuleSet.Compile(
            schema,
            CompiledRuleSet.Rule("any where concat(acme.count, \"/\", acme.left) : \"7/x*\"", name: "Concat"),
            CompiledRuleSet.Rule("any where -acme.count + 10 == 3", name: "Negate"),
            CompiledRuleSet.Rule("any where string(acme.count) like \"7\" and substring(acme.left, 1) regex \"y+\"", name: "Computed"),
            CompiledRuleSet.Rule("any where left < \"z\"", name: "Left"));
        EventRule Rule(string name) => (EventRule)rules.Rules.Single(r => r.Metadata.Name == name);

        var e = new EcsEvent();
        e.Overflow.Set("acme.count", 7L);
        e.Overflow.Set("acme.left", "xyy");
        e.Overflow.Set("left", "y");
        Assert.True(Rule("Concat").Matches(e));
        Assert.True(Rule("Negate").Matches(e));
        Assert.True(Rule("Computed").Matches(e));
        Assert.True(Rule("Left").Matches(e));

        e.Overflow.Set("acme.count", 8L);
        e.Overflow.Set("acme.left", "zyx");
        e.Overflow.Set("left", "zz");
        Assert.False(Rule("Concat").Matches(e));
        Assert.False(Rule("Negate").Matches(e));
        Assert.False(Rule("Computed").Matches(e));
        Assert.False(Rule("Left").Matches(e));
    }
}
