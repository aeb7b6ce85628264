using System.Text;
using Rules.Language.Binding;
using Rules.Language.Ir;
using Rules.Language.Kql;
using Rules.Language.Optimization;
using Rules.Language.Schema;
using Rules.Runtime;
using Rules.Runtime.Reading;
using Rules.Tests.Generator;
using static Rules.Tests.Kql.KqlTestCatalog;

namespace Rules.Tests.Kql;

/// <summary>
/// KQL nested queries with Elasticsearch's meaning (docs/kql.md "Nested"): one object of the nested field must meet
/// the whole inner condition; fields of nested objects are invisible outside their nested query.
/// </summary>
public class KqlNestedTests
{
    private const string Deltas = "gcp.audit.service_data.policy_delta.binding_deltas";

    // ------------------------------------------------------------------ compiler (IR)

    private static readonly FieldCatalog NestedCatalog = Catalog.With(new[]
    {
        new FieldDefinition("gcp.binding_deltas.action", FieldType.Keyword, false, "gcp", FieldSource.Integration),
        new FieldDefinition("gcp.binding_deltas.conditions", FieldType.Nested, false, "gcp", FieldSource.Integration),
        new FieldDefinition("gcp.binding_deltas.conditions.title", FieldType.Keyword, false, "gcp", FieldSource.Integration),
    });

    private static (BoolExpr? Condition, IReadOnlyList<Rules.Language.Diagnostics.RuleDiagnostic> Diagnostics) CompileNested(string query) =>
        KqlCompiler.Compile(QuerySource.ForText(query), NestedCatalog);

    private static BoundField B(string path)
    {
        Assert.True(NestedCatalog.TryGetField(path, out var field));
        return BoundField.From(field, optional: false);
    }

    private static StringMatchExpr Eq(string path, string value) => new(new FieldExpr(B(path)), StringMatchKind.Equals, new[] { value }, false);

    [Fact]
    public void Inner_conditions_are_one_nested_node_with_full_paths()
    {
        var (condition, diagnostics) = CompileNested("gcp.binding_deltas:{ action:ADD and role:(a or b) }");
        Assert.Empty(diagnostics);
        Assert.Equal(
            new NestedExpr(B("gcp.binding_deltas"), new AndExpr(new BoolExpr[] { Eq("gcp.binding_deltas.action", "ADD"), new OrExpr(new BoolExpr[] { Eq("gcp.binding_deltas.role", "a"), Eq("gcp.binding_deltas.role", "b") }) })),
            condition);
        Assert.Equal("gcp.binding_deltas:{ gcp.binding_deltas.action == \"ADD\" and (gcp.binding_deltas.role == \"a\" or gcp.binding_deltas.role == \"b\") }", IrPrinter.Print(condition!));
    }

    [Fact]
    public void Not_outside_and_inside_keep_their_places()
    {
        var inner = Eq("gcp.binding_deltas.action", "ADD");
        Assert.Equal(new NotExpr(new NestedExpr(B("gcp.binding_deltas"), inner)), CompileNested("not gcp.binding_deltas:{ action:ADD }").Condition);
        Assert.Equal(new NestedExpr(B("gcp.binding_deltas"), new NotExpr(inner)), CompileNested("gcp.binding_deltas:{ not action:ADD }").Condition);
    }

    [Fact]
    public void Nested_inside_nested_takes_a_path_relative_to_the_outer_one()
    {
        var (condition, diagnostics) = CompileNested("gcp.binding_deltas:{ conditions:{ title:t } and action:ADD }");
        Assert.Empty(diagnostics);
        Assert.Equal(
            new NestedExpr(B("gcp.binding_deltas"), new AndExpr(new BoolExpr[]
            {
                new NestedExpr(B("gcp.binding_deltas.conditions"), Eq("gcp.binding_deltas.conditions.title", "t")),
                Eq("gcp.binding_deltas.action", "ADD"),
            })),
            condition);
    }

    [Theory]
    [InlineData("gcp.binding_deltas.role:x", "gcp.binding_deltas.role", "gcp.binding_deltas:{ role: ... }")]
    [InlineData("gcp.binding_deltas.role:*", "gcp.binding_deltas.role", "gcp.binding_deltas:{ role: ... }")]
    [InlineData("gcp.binding_deltas:{ conditions.title:t }", "gcp.binding_deltas.conditions.title", "conditions:{ title: ... }")]
    public void A_field_of_nested_objects_outside_its_nested_query_never_matches(string query, string field, string suggestion)
    {
        // Elasticsearch indexes nested objects as separate documents: a query on the parent never sees their fields.
        var (condition, diagnostics) = CompileNested(query);
        var warning = Assert.Single(diagnostics);
        Assert.Equal("DR4003", warning.Id);
        Assert.False(warning.IsError);
        Assert.Contains(field, warning.Message);
        Assert.Contains(suggestion, warning.Message);
        Assert.NotNull(condition);
        Assert.DoesNotContain("==", IrPrinter.Print(condition!));
    }

    [Fact]
    public void A_nested_query_on_a_field_that_is_not_nested_is_DR6002() =>
        Assert.Contains(CompileNested("process.parent:{ name:x }").Diagnostics, d => d.Id == "DR6002" && d.IsError);

    [Fact]
    public void No_prefilter_comes_from_inside_a_nested_query()
    {
        var (condition, _) = CompileNested("gcp.binding_deltas:{ role:x }");
        Assert.Null(PrefilterSelection.Select(new EventQueryPlan(default, condition!)));
    }

    // ------------------------------------------------------------------ query-DSL filters

    private static BoolExpr? CompileFilter(string json, out List<Rules.Language.Diagnostics.RuleDiagnostic> diagnostics)
    {
        diagnostics = new List<Rules.Language.Diagnostics.RuleDiagnostic>();
        var file = new Rules.Language.Text.SourceText("rule.toml", "[[rule.filters]]");
        return Rules.Language.Dsl.FilterCompiler.Compile(new Rules.Language.Documents.RuleFilter(json, false, false, new Rules.Language.Text.SourceSpan(0, 16)), NestedCatalog, file, diagnostics, out _);
    }

    [Fact]
    public void A_dsl_nested_filter_is_the_same_node()
    {
        var condition = CompileFilter("{\"query\":{\"nested\":{\"path\":\"gcp.binding_deltas\",\"score_mode\":\"none\",\"query\":{\"bool\":{\"filter\":[{\"term\":{\"gcp.binding_deltas.action\":\"ADD\"}},{\"nested\":{\"path\":\"gcp.binding_deltas.conditions\",\"query\":{\"term\":{\"gcp.binding_deltas.conditions.title\":\"t\"}}}}]}}}}}", out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal(
            new NestedExpr(B("gcp.binding_deltas"), new AndExpr(new BoolExpr[]
            {
                Eq("gcp.binding_deltas.action", "ADD"),
                new NestedExpr(B("gcp.binding_deltas.conditions"), Eq("gcp.binding_deltas.conditions.title", "t")),
            })),
            condition);
    }

    [Fact]
    public void Dsl_nested_errors_and_hidden_fields()
    {
        CompileFilter("{\"nested\":{\"path\":\"process.parent\",\"query\":{\"match_all\":{}}}}", out var notNested);
        Assert.Equal("DR6002", Assert.Single(notNested).Id);
        CompileFilter("{\"nested\":{\"path\":\"acme.nope\",\"query\":{\"match_all\":{}}}}", out var unknown);
        Assert.Equal("DR6001", Assert.Single(unknown).Id);
        Assert.Equal(new ConstantExpr(false), CompileFilter("{\"nested\":{\"path\":\"acme.nope\",\"ignore_unmapped\":true,\"query\":{\"match_all\":{}}}}", out var ignored));
        Assert.Empty(ignored);
        CompileFilter("{\"nested\":{\"path\":\"gcp.binding_deltas\",\"query\":{\"match_all\":{}},\"sort\":1}}", out var badOption);
        Assert.Equal("DR7002", Assert.Single(badOption).Id);
        Assert.Equal(new ConstantExpr(false), CompileFilter("{\"term\":{\"gcp.binding_deltas.action\":\"ADD\"}}", out var hidden));
        Assert.Equal("DR4003", Assert.Single(hidden).Id);
    }

    // ------------------------------------------------------------------ generated code on events

    private static readonly Lazy<CompiledRuleSet> CompiledRules = new(() => CompiledRuleSet.Compile(
        CompiledRuleSet.Rule($"{Deltas}:{{ action: \"ADD\" and role: (\"roles/a\" or \"roles/b\") }}", language: "kuery", name: "Grant"),
        CompiledRuleSet.Rule($"not {Deltas}:{{ action: \"ADD\" }}", language: "kuery", name: "NoAdd"),
        CompiledRuleSet.Rule($"{Deltas}:{{ not action: \"ADD\" }}", language: "kuery", name: "SomeNotAdd"),
        CompiledRuleSet.Rule("file.pe.sections:{ name: \".text\" and entropy >= 7 }", language: "kuery", name: "PackedText"),
        CompiledRuleSet.Rule("threat.enrichments:{ indicator.file.pe.sections:{ name: \"UPX0\" and entropy > 6 } and matched.field: \"file.hash.sha256\" }", language: "kuery", name: "Enriched"),
        CompiledRuleSet.Rule("acme.items:{ kind: \"x\" and size > 10 }", language: "kuery", name: "UserSchema"),
        new InMemoryRuleFile("/consumer/schema/acme.yml", "fields:\n  - { name: acme.items, type: nested }\n  - { name: acme.items.kind, type: keyword }\n  - { name: acme.items.size, type: long }\n", kind: "schema")));

    private static EventRule Rule(string name) => (EventRule)CompiledRules.Value.Rules.Single(r => r.Metadata.Name == name);

    private static EcsEvent Read(string json)
    {
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(json + "\n")), new EventReaderOptions { ReuseEvent = false });
        return Assert.Single(reader.ReadEvents());
    }

    private static string Gcp(string deltas) => $"{{\"gcp\":{{\"audit\":{{\"service_data\":{{\"policy_delta\":{{\"binding_deltas\":{deltas}}}}}}}}}}}";

    private static Dictionary<string, object> Obj(params (string Field, object Value)[] fields) => fields.ToDictionary(f => f.Field, f => f.Value);

    [Fact]
    public void The_corpus_rule_compiles_with_no_warning_to_the_committed_snapshot()
    {
        var path = Path.Combine(TestPaths.Corpus, "rules", "integrations", "gcp", "persistence_gcp_service_account_impersonation_role_grant.toml");
        var run = GeneratorHarness.Run(new InMemoryRuleFile("/consumer/rules/" + Path.GetFileName(path), File.ReadAllText(path)));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        var source = run.Sources.Single(s => !s.HintName.StartsWith("DetectionRuleCatalog", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("e.Nested.Values(e.Overflow.GetStrings(", source, StringComparison.Ordinal);
        Snapshot.AssertMatches("GcpServiceAccountImpersonationRoleGrant.g.cs.txt", source);
    }

    [Fact]
    public void One_object_meeting_every_condition_matches()
    {
        var rule = Rule("Grant");
        Assert.True(rule.Matches(Read(Gcp("[{\"action\":\"REMOVE\",\"role\":\"roles/x\"},{\"action\":\"ADD\",\"role\":\"roles/b\"}]"))));
        var e = new EcsEvent();
        e.SetNestedObjects(Deltas, Obj(("action", "REMOVE"), ("role", "roles/x")), Obj(("action", "ADD"), ("role", "roles/a")));
        Assert.True(rule.Matches(e));
    }

    [Fact]
    public void Conditions_met_by_two_different_objects_do_not_match()
    {
        // The old flattened evaluation matched this event; Elasticsearch's nested query does not.
        var rule = Rule("Grant");
        var e = Read(Gcp("[{\"action\":\"ADD\",\"role\":\"roles/x\"},{\"action\":\"REMOVE\",\"role\":\"roles/a\"}]"));
        Assert.Equal(new object[] { "ADD", "REMOVE" }, (object[])NormalizeArray(e[Deltas + ".action"]));
        Assert.False(rule.Matches(e));
        var built = new EcsEvent();
        built.SetNestedObjects(Deltas, Obj(("action", "ADD"), ("role", "roles/x")), Obj(("action", "REMOVE"), ("role", "roles/a")));
        Assert.False(rule.Matches(built));
    }

    private static object[] NormalizeArray(object? value) => value is System.Collections.IEnumerable items and not string ? items.Cast<object>().ToArray() : new[] { value! };

    [Fact]
    public void A_single_object_with_or_without_an_array_matches()
    {
        var rule = Rule("Grant");
        Assert.True(rule.Matches(Read(Gcp("[{\"action\":\"ADD\",\"role\":\"roles/a\"}]"))));
        Assert.True(rule.Matches(Read(Gcp("{\"action\":\"ADD\",\"role\":\"roles/a\"}"))));
        // A multi-valued leaf inside one object: any of its values.
        Assert.True(rule.Matches(Read(Gcp("{\"action\":\"ADD\",\"role\":[\"roles/z\",\"roles/a\"]}"))));
        Assert.False(rule.Matches(Read(Gcp("{\"action\":\"ADD\",\"role\":\"roles/z\"}"))));
    }

    [Fact]
    public void A_missing_path_matches_no_object()
    {
        var none = Read("{\"event\":{\"kind\":\"event\"}}");
        var empty = Read(Gcp("[]"));
        Assert.False(Rule("Grant").Matches(none));
        Assert.False(Rule("Grant").Matches(empty));
        Assert.False(Rule("SomeNotAdd").Matches(none));
        Assert.True(Rule("NoAdd").Matches(none));
        Assert.True(Rule("NoAdd").Matches(empty));
    }

    [Fact]
    public void Not_outside_means_no_object_and_not_inside_means_some_object()
    {
        var allAdd = Read(Gcp("[{\"action\":\"ADD\"},{\"action\":\"ADD\"}]"));
        var mixed = Read(Gcp("[{\"action\":\"ADD\"},{\"action\":\"REMOVE\"}]"));
        var noAction = Read(Gcp("[{\"action\":\"ADD\"},{\"role\":\"roles/a\"}]"));
        Assert.False(Rule("NoAdd").Matches(allAdd));
        Assert.False(Rule("NoAdd").Matches(mixed));
        Assert.False(Rule("SomeNotAdd").Matches(allAdd));
        Assert.True(Rule("SomeNotAdd").Matches(mixed));
        // An object without the field does not satisfy action:ADD, so it satisfies its negation.
        Assert.True(Rule("SomeNotAdd").Matches(noAction));
    }

    [Fact]
    public void Ecs_nested_fields_read_their_typed_arrays_per_object()
    {
        var rule = Rule("PackedText");
        static string Sections(string s) => $"{{\"file\":{{\"pe\":{{\"sections\":{s}}}}}}}";
        Assert.True(rule.Matches(Read(Sections("[{\"name\":\".rdata\",\"entropy\":8},{\"name\":\".text\",\"entropy\":7}]"))));
        Assert.False(rule.Matches(Read(Sections("[{\"name\":\".text\",\"entropy\":3},{\"name\":\".rdata\",\"entropy\":8}]"))));
        // A bad value stays out of the typed array; the object boundaries still line up.
        Assert.True(rule.Matches(Read(Sections("[{\"name\":\".text\",\"entropy\":\"high\"},{\"name\":\".text\",\"entropy\":7.5}]"))));
        var e = new EcsEvent();
        e.SetNestedObjects("file.pe.sections", Obj(("name", ".text"), ("entropy", 2L)), Obj(("name", ".data"), ("entropy", 7L)));
        Assert.False(rule.Matches(e));
        Assert.Equal(new[] { ".text", ".data" }, e.File?.Pe?.Sections?.Name);
    }

    [Fact]
    public void Nested_inside_nested_tests_the_inner_objects_of_one_outer_object()
    {
        var rule = Rule("Enriched");
        static string Enrichments(string e) => $"{{\"threat\":{{\"enrichments\":{e}}}}}";
        const string Upx = "{\"indicator\":{\"file\":{\"pe\":{\"sections\":[{\"name\":\"UPX0\",\"entropy\":7},{\"name\":\"UPX1\",\"entropy\":1}]}}},\"matched\":{\"field\":\"file.hash.sha256\"}}";
        Assert.True(rule.Matches(Read(Enrichments("[" + Upx + "]"))));
        // The inner objects belong to the other outer object than the matched field.
        Assert.False(rule.Matches(Read(Enrichments("[{\"indicator\":{\"file\":{\"pe\":{\"sections\":[{\"name\":\"UPX0\",\"entropy\":7}]}}},\"matched\":{\"field\":\"x\"}},{\"matched\":{\"field\":\"file.hash.sha256\"}}]"))));
        // Inner conditions split over two inner objects.
        Assert.False(rule.Matches(Read(Enrichments("[{\"indicator\":{\"file\":{\"pe\":{\"sections\":[{\"name\":\"UPX0\",\"entropy\":1},{\"name\":\"UPX1\",\"entropy\":7}]}}},\"matched\":{\"field\":\"file.hash.sha256\"}}]"))));
        // The matching outer object comes second.
        Assert.True(rule.Matches(Read(Enrichments("[{\"matched\":{\"field\":\"x\"}}," + Upx + "]"))));
    }

    [Fact]
    public void A_user_schema_nested_field_is_evaluated_per_object()
    {
        var rule = Rule("UserSchema");
        Assert.True(rule.Matches(Read("{\"acme\":{\"items\":[{\"kind\":\"y\",\"size\":50},{\"kind\":\"x\",\"size\":11}]}}")));
        Assert.False(rule.Matches(Read("{\"acme\":{\"items\":[{\"kind\":\"x\",\"size\":5},{\"kind\":\"y\",\"size\":50}]}}")));
    }

    [Fact]
    public void A_reused_record_forgets_the_objects_of_the_previous_event()
    {
        var rule = Rule("Grant");
        var lines = Gcp("[{\"action\":\"ADD\",\"role\":\"roles/a\"}]") + "\n" + Gcp("[{\"action\":\"ADD\",\"role\":\"roles/x\"},{\"action\":\"REMOVE\",\"role\":\"roles/a\"}]") + "\n{\"message\":\"m\"}\n";
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(lines)));
        var results = reader.ReadEvents().Select(rule.Matches).ToArray();
        Assert.Equal(new[] { true, false, false }, results);
    }

    [Fact]
    public void Round_trip_keeps_the_leaves_and_the_objects()
    {
        var rule = Rule("Grant");
        var e = Read(Gcp("[{\"action\":\"ADD\",\"role\":\"roles/x\"},{\"action\":\"REMOVE\",\"role\":[\"roles/a\",\"roles/c\"]}]"));
        var json = EventWriter.ToJson(e);
        Assert.Contains("\"binding_deltas\":[{\"action\":\"ADD\",\"role\":\"roles/x\"},{\"action\":\"REMOVE\",\"role\":[\"roles/a\",\"roles/c\"]}]", json, StringComparison.Ordinal);
        var again = Read(json);
        Assert.Equal(NormalizeArray(e[Deltas + ".role"]), NormalizeArray(again[Deltas + ".role"]));
        Assert.Equal(NormalizeArray(e[Deltas + ".action"]), NormalizeArray(again[Deltas + ".action"]));
        Assert.False(rule.Matches(again));
        Assert.Equal(json, EventWriter.ToJson(again));

        // ECS typed arrays too, next to other fields of the same parent.
        var pe = Read("{\"file\":{\"name\":\"a.exe\",\"pe\":{\"imphash\":\"x\",\"sections\":[{\"name\":\".text\",\"entropy\":3},{\"name\":\".rdata\",\"entropy\":8}]}}}");
        _ = Rule("PackedText");
        var peJson = EventWriter.ToJson(pe);
        Assert.Contains("\"sections\":[{\"entropy\":3,\"name\":\".text\"},{\"entropy\":8,\"name\":\".rdata\"}]", peJson, StringComparison.Ordinal);
        Assert.False(Rule("PackedText").Matches(Read(peJson)));
        Assert.Equal(peJson, EventWriter.ToJson(Read(peJson)));
    }

    [Fact]
    public void Values_outside_any_object_keep_the_flattened_form_when_written()
    {
        _ = Rule("Grant");
        // A dotted key crossing the nested field gives a value no object holds: the writer cannot rebuild objects.
        var e = Read("{\"gcp.audit.service_data.policy_delta.binding_deltas.role\":\"roles/z\"," + Gcp("[{\"action\":\"ADD\",\"role\":\"roles/a\"}]").Substring(1));
        var json = EventWriter.ToJson(e);
        Assert.Contains("\"binding_deltas\":{", json, StringComparison.Ordinal);
        Assert.Equal(NormalizeArray(e[Deltas + ".role"]), NormalizeArray(Read(json)[Deltas + ".role"]));
    }

    [Fact]
    public void Reading_nested_objects_allocates_nothing_per_event_once_buffers_have_grown()
    {
        var rule = Rule("UserSchema");
        static byte[] Lines(int count) => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, count).Select(i =>
            $"{{\"acme\":{{\"items\":[{{\"size\":{i}}},{{\"size\":{i + 1},\"extra\":true}},{{\"size\":[{i},{i + 2}]}}]}}}}\n")));
        long Allocated(byte[] ndjson)
        {
            using var reader = new EventReader(new MemoryStream(ndjson));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var matches = 0;
            foreach (var e in reader.ReadEvents())
            {
                matches += e.Nested.Count(NestedPathRegistry.Register("acme.items")) == 3 && !rule.Matches(e) ? 1 : 0;
            }

            var after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(ndjson.Count(b => b == (byte)'\n'), matches);
            return after - before;
        }

        Allocated(Lines(200));
        var small = Allocated(Lines(2000));
        var large = Allocated(Lines(4000));
        Assert.True((large - small) / 2000.0 < 1, $"{(large - small) / 2000.0} bytes per event");
    }

    [Fact]
    public void Reading_and_matching_nested_objects_does_not_allocate_beyond_the_kept_strings()
    {
        var rule = Rule("PackedText");
        var e = Read("{\"file\":{\"pe\":{\"sections\":[{\"name\":\".rdata\",\"entropy\":8},{\"name\":\".text\",\"entropy\":7}]}}}");
        Assert.True(rule.Matches(e));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            rule.Matches(e);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
