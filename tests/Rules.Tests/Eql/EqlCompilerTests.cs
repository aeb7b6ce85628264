using Rules.Language;
using Rules.Language.Eql;
using Rules.Language.Ir;
using Rules.Language.Schema;

namespace Rules.Tests.Eql;

public class EqlCompilerTests
{
    internal static readonly FieldCatalog Catalog = new(new[]
    {
        Field("process.name", FieldType.Keyword),
        Field("process.executable", FieldType.Keyword),
        Field("process.command_line", FieldType.Wildcard),
        Field("process.args", FieldType.Keyword, array: true),
        Field("process.pid", FieldType.Long),
        Field("process.entity_id", FieldType.Keyword),
        Field("process.code_signature.trusted", FieldType.Boolean),
        Field("process.parent.name", FieldType.Keyword),
        Field("event.category", FieldType.Keyword, array: true),
        Field("event.type", FieldType.Keyword, array: true),
        Field("event.risk_score", FieldType.Float),
        Field("file.size", FieldType.Long),
        Field("file.path", FieldType.Keyword),
        Field("host.id", FieldType.Keyword),
        Field("user.name", FieldType.Keyword),
        Field("source.ip", FieldType.Ip),
        Field("message", FieldType.MatchOnlyText),
        Field("@timestamp", FieldType.Date),
        Field("process.pe", FieldType.Object),
    });

    private static FieldDefinition Field(string path, FieldType type, bool array = false) =>
        new(path, type, array, path.Split('.')[0], FieldSource.Ecs);

    internal static FieldExpr F(string path, bool optional = false)
    {
        Assert.True(Catalog.TryGetField(path, out var field));
        return new FieldExpr(new BoundField(field.Path, field.Type, field.IsArray, field.IsEcs, optional));
    }

    private static ExistsExpr Exists(string path) => new(F(path).Field);

    private static StringMatchExpr Match(string path, StringMatchKind kind, bool insensitive, params string[] patterns) =>
        new(F(path), kind, patterns, insensitive);

    private static QueryPlan Plan(string query)
    {
        var result = EqlCompiler.Compile(query, Catalog);
        Assert.True(result.Plan is not null, string.Join("; ", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        return result.Plan!;
    }

    private static BoolExpr Condition(string query) => Assert.IsType<EventQueryPlan>(Plan(query)).Condition;

    private static Rules.Language.Diagnostics.RuleDiagnostic Error(string query, string id)
    {
        var result = EqlCompiler.Compile(query, Catalog);
        Assert.Null(result.Plan);
        var error = result.Diagnostics.FirstOrDefault(d => d.IsError);
        Assert.True(error is not null, "no error for " + query);
        Assert.Equal(id, error!.Id);
        return error;
    }

    // ---------------------------------------------------------------- categories

    [Fact]
    public void Category_lowers_to_plan_categories_and_any_to_none()
    {
        var plan = Assert.IsType<EventQueryPlan>(Plan("process where true"));
        Assert.Equal(new[] { "process" }, plan.Categories.ToArray());
        Assert.Equal(new ConstantExpr(true), plan.Condition);
        Assert.Empty(Assert.IsType<EventQueryPlan>(Plan("any where true")).Categories);
    }

    // ---------------------------------------------------------------- equality and case sensitivity

    [Fact]
    public void Double_equals_on_keyword_is_case_sensitive_exact_match() =>
        Assert.Equal(Match("process.name", StringMatchKind.Equals, false, "cmd.exe"), Condition("any where process.name == \"cmd.exe\""));

    [Fact]
    public void Double_equals_does_not_expand_wildcards() =>
        Assert.Equal(Match("process.name", StringMatchKind.Equals, false, "cmd*.exe"), Condition("any where process.name == \"cmd*.exe\""));

    [Fact]
    public void Constant_on_the_left_is_flipped() =>
        Assert.Equal(new CompareExpr(F("process.pid"), CompareOp.Greater, LiteralExpr.Int(-1), false), Condition("any where -1 < process.pid"));

    [Theory]
    [InlineData("\"cmd.exe\"", StringMatchKind.Equals, "cmd.exe")]
    [InlineData("\"cmd*\"", StringMatchKind.StartsWith, "cmd")]
    [InlineData("\"*.exe\"", StringMatchKind.EndsWith, ".exe")]
    [InlineData("\"*powershell*\"", StringMatchKind.Contains, "powershell")]
    [InlineData("\"c*d.exe\"", StringMatchKind.Wildcard, "c*d.exe")]
    [InlineData("\"cm?.exe\"", StringMatchKind.Wildcard, "cm?.exe")]
    [InlineData("\"?:\\\\Windows\\\\*\"", StringMatchKind.Wildcard, "?:\\Windows\\*")]
    public void Colon_is_case_insensitive_and_simplified_by_pattern_shape(string pattern, StringMatchKind kind, string text) =>
        Assert.Equal(Match("process.name", kind, true, text), Condition("any where process.name : " + pattern));

    [Fact]
    public void Colon_list_groups_patterns_by_kind()
    {
        var condition = Condition("any where process.name : (\"a.exe\", \"B.EXE\", \"*.dll\", \"x*\", \"*.sys\")");
        Assert.Equal(
            new OrExpr(new BoolExpr[]
            {
                Match("process.name", StringMatchKind.Equals, true, "a.exe", "B.EXE"),
                Match("process.name", StringMatchKind.EndsWith, true, ".dll", ".sys"),
                Match("process.name", StringMatchKind.StartsWith, true, "x"),
            }),
            condition);
    }

    [Fact]
    public void A_lone_star_is_exists()
    {
        Assert.Equal(Exists("process.name"), Condition("any where process.name : \"*\""));
        // Present: false; missing: null. Never true.
        Assert.Equal(new ConstantExpr(false), Condition("any where not process.name like (\"a\", \"**\")"));
    }

    [Fact]
    public void Like_is_case_sensitive_and_like_tilde_insensitive()
    {
        Assert.Equal(Match("process.name", StringMatchKind.Wildcard, false, "CMD?.exe"), Condition("any where process.name like \"CMD?.exe\""));
        Assert.Equal(Match("process.name", StringMatchKind.StartsWith, true, "cmd"), Condition("any where process.name like~ \"cmd*\""));
    }

    [Fact]
    public void Regex_is_translated_and_anchored()
    {
        Assert.Equal(Match("process.name", StringMatchKind.Regex, false, @"\A(?:(?:[\s\S])*\.(?:exe|dll))\z"), Condition("any where process.name regex \"\"\".*\\.(exe|dll)\"\"\""));
        var insensitive = Assert.IsType<StringMatchExpr>(Condition("any where process.name regex~ \"cmd\""));
        Assert.True(insensitive.CaseInsensitive);
    }

    [Fact]
    public void In_list_is_one_exact_match_and_in_tilde_is_insensitive()
    {
        Assert.Equal(Match("process.name", StringMatchKind.Equals, false, "a", "b"), Condition("any where process.name in (\"a\", \"b\", \"a\")"));
        Assert.Equal(Match("process.name", StringMatchKind.Equals, true, "a", "B"), Condition("any where process.name in~ (\"a\", \"B\")"));
    }

    [Fact]
    public void Numeric_in_list_is_an_or_of_comparisons() =>
        Assert.Equal(
            new OrExpr(new BoolExpr[]
            {
                new CompareExpr(F("process.pid"), CompareOp.Equal, LiteralExpr.Int(1), false),
                new CompareExpr(F("process.pid"), CompareOp.Equal, LiteralExpr.Int(2), false),
            }),
            Condition("any where process.pid in (1, 2)"));

    // ---------------------------------------------------------------- nulls, missing fields, not

    [Fact]
    public void Not_equal_requires_the_field_and_no_value_equal()
    {
        // Elasticsearch: a comparison with a missing value is null and does not match; on an array the negation of
        // "any value equals".
        Assert.Equal(
            new AndExpr(new BoolExpr[] { Exists("process.args"), new NotExpr(Match("process.args", StringMatchKind.Equals, false, "x")) }),
            Condition("any where process.args != \"x\""));
    }

    [Fact]
    public void Not_of_a_comparison_is_false_for_a_missing_field()
    {
        // spec test_queries.toml notExitCodeGtWithHead1: 'not (exit_code > -1)' does not match a null exit_code.
        var greater = new CompareExpr(F("process.pid"), CompareOp.Greater, LiteralExpr.Int(-1), false);
        Assert.Equal(new AndExpr(new BoolExpr[] { Exists("process.pid"), new NotExpr(greater) }), Condition("any where not (process.pid > -1)"));
    }

    [Fact]
    public void Double_negation_is_the_original() =>
        Assert.Equal(Match("process.name", StringMatchKind.Equals, false, "a"), Condition("any where not not process.name == \"a\""));

    [Fact]
    public void Not_in_requires_the_field()
    {
        Assert.Equal(
            new AndExpr(new BoolExpr[] { Exists("process.name"), new NotExpr(Match("process.name", StringMatchKind.Equals, false, "a", "b")) }),
            Condition("any where process.name not in (\"a\", \"b\")"));
    }

    [Fact]
    public void Null_in_an_in_list_makes_not_in_never_true() =>
        Assert.Equal(new ConstantExpr(false), Condition("any where process.name not in (\"a\", null)"));

    [Fact]
    public void Null_patterns_never_match()
    {
        Assert.Equal(new ConstantExpr(false), Condition("any where process.name : null"));
        Assert.Equal(new ConstantExpr(false), Condition("any where not process.name : null"));
        Assert.Equal(Match("process.name", StringMatchKind.Equals, true, "a"), Condition("any where process.name : (null, \"a\")"));
        Assert.Equal(new ConstantExpr(false), Condition("any where not process.name : (null, \"a\")"));
    }

    [Fact]
    public void Equal_null_is_missing_and_not_equal_null_is_exists()
    {
        Assert.Equal(new NotExpr(Exists("process.name")), Condition("any where process.name == null"));
        Assert.Equal(Exists("process.name"), Condition("any where process.name != null"));
        Assert.Equal(Exists("process.name"), Condition("any where null != process.name"));
    }

    [Fact]
    public void Other_comparisons_with_null_are_never_true()
    {
        Assert.Equal(new ConstantExpr(false), Condition("any where process.pid > null"));
        Assert.Equal(new ConstantExpr(false), Condition("any where not (process.pid > null)"));
    }

    [Fact]
    public void Null_equals_a_condition_is_true_when_the_condition_is_null()
    {
        // spec test_queries.toml nullEqualityWithGtAndHead: 'null == (exit_code > -1)' matches events without exit_code.
        Assert.Equal(new NotExpr(Exists("process.pid")), Condition("any where null == (process.pid > -1)"));
    }

    [Fact]
    public void A_condition_compared_with_a_boolean_is_the_condition_or_its_negation()
    {
        var greater = new CompareExpr(F("process.pid"), CompareOp.Greater, LiteralExpr.Int(1), false);
        Assert.Equal(greater, Condition("any where (process.pid > 1) == true"));
        Assert.Equal(greater, Condition("any where (process.pid > 1) != false"));
        Assert.Equal(new AndExpr(new BoolExpr[] { Exists("process.pid"), new NotExpr(greater) }), Condition("any where (process.pid > 1) == false"));
        Error("any where (process.pid > 1) == \"x\"", "DR6002");
        Error("any where (process.pid > 1) < true", "DR6002");
    }

    [Fact]
    public void Unknown_optional_field_is_null()
    {
        Assert.Equal(new ConstantExpr(true), Condition("any where ?nowhere.field == null"));
        Assert.Equal(new ConstantExpr(false), Condition("any where ?nowhere.field != null"));
        Assert.Equal(new ConstantExpr(false), Condition("any where ?nowhere.field : \"x\""));
        Assert.Equal(new ConstantExpr(false), Condition("any where not ?nowhere.field : \"x\""));
        Assert.Equal(new ConstantExpr(true), Condition("any where ?x == ?y"));
    }

    [Fact]
    public void Known_optional_field_binds_as_optional()
    {
        var match = Assert.IsType<StringMatchExpr>(Condition("any where ?process.name == \"a\""));
        Assert.True(Assert.IsType<FieldExpr>(match.Target).Field.IsOptional);
    }

    [Fact]
    public void Or_of_negations_keeps_three_valued_logic()
    {
        // not (a == "x" or b == "y") is false-or-null unless both comparisons are false (fields present, unequal).
        var condition = Condition("any where not (process.name == \"x\" or user.name == \"y\")");
        Assert.Equal(
            new AndExpr(new BoolExpr[]
            {
                Exists("process.name"), new NotExpr(Match("process.name", StringMatchKind.Equals, false, "x")),
                Exists("user.name"), new NotExpr(Match("user.name", StringMatchKind.Equals, false, "y")),
            }),
            condition);
    }

    // ---------------------------------------------------------------- types

    [Fact]
    public void Numbers_compare_across_long_and_double() =>
        Assert.Equal(new CompareExpr(F("file.size"), CompareOp.GreaterOrEqual, LiteralExpr.Double(1.5), false), Condition("any where file.size >= 1.5"));

    [Fact]
    public void Keyword_field_against_a_number_compares_its_text() =>
        Assert.Equal(Match("process.name", StringMatchKind.Equals, false, "4624"), Condition("any where process.name == 4624"));

    [Fact]
    public void Numeric_field_against_a_numeric_string_parses_it() =>
        Assert.Equal(new CompareExpr(F("process.pid"), CompareOp.Equal, LiteralExpr.Int(4), false), Condition("any where process.pid == \"4\""));

    [Fact]
    public void Dates_compare_as_dates() =>
        Assert.Equal(
            new CompareExpr(F("@timestamp"), CompareOp.Less, new LiteralExpr(IrType.Date, "2024-01-31T00:00:00Z", 0, 0, false), false),
            Condition("any where @timestamp < \"2024-01-31T00:00:00Z\""));

    [Fact]
    public void A_number_against_a_date_is_epoch_milliseconds() =>
        Assert.Equal(
            new CompareExpr(F("@timestamp"), CompareOp.Equal, new LiteralExpr(IrType.Date, "2018-01-16T15:33:28.349Z", 0, 0, false), false),
            Condition("any where @timestamp == 1516116808349"));

    [Fact]
    public void Ip_equality_is_a_single_address_range()
    {
        Assert.Equal(new CidrMatchExpr(F("source.ip"), new[] { "10.0.0.1" }), Condition("any where source.ip == \"10.0.0.1\""));
        Assert.Equal(
            new AndExpr(new BoolExpr[] { Exists("source.ip"), new NotExpr(new CidrMatchExpr(F("source.ip"), new[] { "::" })) }),
            Condition("any where source.ip != \"::\""));
    }

    [Fact]
    public void Boolean_field_as_condition()
    {
        var isTrue = new CompareExpr(F("process.code_signature.trusted"), CompareOp.Equal, LiteralExpr.Bool(true), false);
        Assert.Equal(isTrue, Condition("any where process.code_signature.trusted"));
        Assert.Equal(new AndExpr(new BoolExpr[] { Exists("process.code_signature.trusted"), new NotExpr(isTrue) }), Condition("any where not process.code_signature.trusted"));
    }

    [Theory]
    [InlineData("any where process.name == \"a\" + 1", "DR6002")]
    [InlineData("any where length(process.name) == \"x\"", "DR6002")]
    [InlineData("any where process.pid : \"1*\"", "DR6002")]
    [InlineData("any where process.pid like \"1*\"", "DR6002")]
    [InlineData("any where process.pid in~ (1, 2)", "DR6002")]
    [InlineData("any where process.name", "DR6002")]
    [InlineData("any where process.pid + 1", "DR6002")]
    [InlineData("any where process.name : 5", "DR6002")]
    [InlineData("any where length(process.pid) > 1", "DR6002")]
    [InlineData("any where add(process.name, 1) > 1", "DR6002")]
    [InlineData("any where between(process.name, \"a\", \"b\", 1) == \"x\"", "DR6002")]
    [InlineData("any where cidrMatch(process.name, \"10.0.0.0/8\")", "DR6002")]
    [InlineData("any where process.pe == \"x\"", "DR6002")]
    [InlineData("any where process.pid == \"abc\"", "DR6003")]
    [InlineData("any where @timestamp > \"yesterday\"", "DR6003")]
    [InlineData("any where source.ip == \"10.0.0\"", "DR6003")]
    [InlineData("any where cidrMatch(source.ip, \"10.0.0.0/33\")", "DR6003")]
    [InlineData("any where proces.name == \"x\"", "DR6001")]
    [InlineData("any where nosuch(process.name)", "DR3002")]
    [InlineData("any where length~(process.name) > 1", "DR3002")]
    [InlineData("any where length(process.name, 1) > 1", "DR3003")]
    [InlineData("any where startsWith(process.name)", "DR3003")]
    [InlineData("any where process.name regex \"a&b\"", "DR3004")]
    [InlineData("any where process.name regex \"(ab\"", "DR3004")]
    [InlineData("any where process.name == process.parent.name", "DR7002")]
    [InlineData("any where process.args[0] == \"x\"", "DR7002")]
    [InlineData("process where descendant of [process where true]", "DR7002")]
    [InlineData("join [process where true] [file where true]", "DR7002")]
    [InlineData("process where true | unique process.name", "DR7002")]
    [InlineData("process where true | head -1", "DR3001")]
    [InlineData("sequence [process where true]", "DR3001")]
    [InlineData("sequence by host.id [process where true] [file where true] by process.entity_id", "DR3001")]
    [InlineData("sequence with maxspan=10 [process where true] [file where true]", "DR3001")]
    [InlineData("sequence with maxspan=10y [process where true] [file where true]", "DR3001")]
    [InlineData("sequence [process where true] with runs=0 [file where true]", "DR3001")]
    [InlineData("sequence ![process where true] ![file where true]", "DR3001")]
    [InlineData("sample by host.id [process where true]", "DR3001")]
    public void Errors_have_their_ids(string query, string id) => Error(query, id);

    [Fact]
    public void Type_errors_point_at_the_offending_expression()
    {
        var error = Error("process where process.pid : \"1*\"", "DR6002");
        Assert.Equal(14, error.Location.Span.Start);
        Assert.Equal(11, error.Location.Span.Length);
        var unknown = Error("process where length(proces.name) > 1", "DR6001");
        Assert.Equal(21, unknown.Location.Span.Start);
        var function = Error("process where lenght(process.name) > 1", "DR3002");
        Assert.Equal(new Rules.Language.Text.SourceSpan(14, 6), function.Location.Span);
        Assert.Contains("length", function.Message);
    }

    // ---------------------------------------------------------------- functions

    [Fact]
    public void String_functions_on_a_field_lower_to_string_matches()
    {
        Assert.Equal(Match("process.name", StringMatchKind.StartsWith, false, "cmd"), Condition("any where startsWith(process.name, \"cmd\")"));
        Assert.Equal(Match("process.name", StringMatchKind.EndsWith, true, ".EXE"), Condition("any where endsWith~(process.name, \".EXE\")"));
        Assert.Equal(Match("process.name", StringMatchKind.Contains, false, "md"), Condition("any where stringContains(process.name, \"md\")"));
        Assert.Equal(new CidrMatchExpr(F("source.ip"), new[] { "10.0.0.0/8", "192.168.0.0/16" }), Condition("any where cidrMatch(source.ip, \"10.0.0.0/8\", \"192.168.0.0/16\")"));
    }

    [Fact]
    public void Value_functions_lower_to_calls_with_result_types()
    {
        var length = new CallExpr("length", new ValueExpr[] { F("process.name") }, false, IrType.Integer);
        Assert.Equal(new CompareExpr(length, CompareOp.Greater, LiteralExpr.Int(3), false), Condition("any where length(process.name) > 3"));

        var compare = Assert.IsType<CompareExpr>(Condition("any where divide(process.pid, 2.0) == 1"));
        Assert.Equal(IrType.Float, compare.Left.Type);
        var index = Assert.IsType<CallExpr>(Assert.IsType<CompareExpr>(Condition("any where indexOf~(process.name, \"D\", 2) == 3")).Left);
        Assert.True(index.CaseInsensitive);
        Assert.Equal("indexOf", index.Function);
    }

    [Fact]
    public void Function_names_are_case_insensitive() =>
        Assert.Equal(Match("process.name", StringMatchKind.StartsWith, false, "x"), Condition("any where STARTSWITH(process.name, \"x\")"));

    [Fact]
    public void Boolean_function_not_on_a_field_is_value_is_true()
    {
        var call = new CallExpr("startsWith", new ValueExpr[] { new CallExpr("concat", new ValueExpr[] { F("process.name"), LiteralExpr.String("x") }, false, IrType.String), LiteralExpr.String("a") }, false, IrType.Boolean);
        Assert.Equal(new ValueIsTrueExpr(call), Condition("any where startsWith(concat(process.name, \"x\"), \"a\")"));
        Assert.Equal(new CompareExpr(call, CompareOp.Equal, LiteralExpr.Bool(false), false), Condition("any where not startsWith(concat(process.name, \"x\"), \"a\")"));
    }

    [Fact]
    public void A_null_argument_makes_a_function_null() =>
        Assert.Equal(new ConstantExpr(false), Condition("any where startsWith(process.name, null)"));

    [Fact]
    public void Function_result_compared_not_equal_checks_not_null()
    {
        var length = new CallExpr("length", new ValueExpr[] { F("process.name") }, false, IrType.Integer);
        Assert.Equal(
            new AndExpr(new BoolExpr[] { new NotNullExpr(length), new NotExpr(new CompareExpr(length, CompareOp.Equal, LiteralExpr.Int(3), false)) }),
            Condition("any where length(process.name) != 3"));
    }

    [Fact]
    public void Arithmetic_lowers_with_numeric_result_types()
    {
        var compare = Assert.IsType<CompareExpr>(Condition("any where process.pid * 2 + 1 > 10"));
        var add = Assert.IsType<ArithmeticExpr>(compare.Left);
        Assert.Equal(ArithmeticOp.Add, add.Op);
        Assert.Equal(IrType.Integer, add.Type);
        Assert.Equal(ArithmeticOp.Multiply, Assert.IsType<ArithmeticExpr>(add.Left).Op);
        var negate = Assert.IsType<ArithmeticExpr>(Assert.IsType<CompareExpr>(Condition("any where -process.pid < 0")).Left);
        Assert.Equal(ArithmeticOp.Negate, negate.Op);
    }

    // ---------------------------------------------------------------- sequences, samples, pipes

    [Fact]
    public void Sequence_plan_merges_shared_keys_and_carries_maxspan_runs_missing_until()
    {
        var plan = Assert.IsType<SequencePlan>(Plan(
            "sequence by host.id with maxspan=2m\n" +
            "  [process where process.name == \"a\"] by process.entity_id with runs=2\n" +
            " ![file where true] by process.entity_id\n" +
            "  [any where true] by process.entity_id\n" +
            "until [process where event.type == \"end\"] by process.entity_id"));
        Assert.Equal(TimeSpan.FromMinutes(2), plan.MaxSpan);
        Assert.Equal(120_000, plan.MaxSpanMilliseconds);
        Assert.Equal(3, plan.Stages.Count);
        var first = plan.Stages[0];
        Assert.Equal(new[] { "process" }, first.Categories.ToArray());
        Assert.Equal(Match("process.name", StringMatchKind.Equals, false, "a"), first.Condition);
        Assert.Equal(new ValueExpr[] { F("host.id"), F("process.entity_id") }, first.Keys.ToArray());
        Assert.Equal(2, first.Runs);
        Assert.True(plan.Stages[1].IsMissing);
        Assert.Empty(plan.Stages[2].Categories);
        Assert.NotNull(plan.Until);
        Assert.Equal(2, plan.Until!.Keys.Count);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("2d", 172_800_000)]
    public void Maxspan_units(string span, long milliseconds) =>
        Assert.Equal(milliseconds, Assert.IsType<SequencePlan>(Plan($"sequence with maxspan={span} [process where true] [file where true]")).MaxSpanMilliseconds);

    [Fact]
    public void One_stage_with_runs_is_a_sequence() =>
        Assert.Equal(3, Assert.IsType<SequencePlan>(Plan("sequence [process where true] with runs=3")).Stages[0].Runs);

    [Fact]
    public void Sample_plan()
    {
        var plan = Assert.IsType<SamplePlan>(Plan("sample by host.id [process where true] by user.name [file where true] by user.name"));
        Assert.Equal(2, plan.Stages.Count);
        Assert.Equal(new ValueExpr[] { F("host.id"), F("user.name") }, plan.Stages[1].Keys.ToArray());
    }

    [Fact]
    public void Head_and_tail_pipes_wrap_the_plan()
    {
        var piped = Assert.IsType<PipedPlan>(Plan("process where true | head 10 | tail 2"));
        Assert.IsType<EventQueryPlan>(piped.Query);
        Assert.Equal(new[] { new PipeStep(PipeKind.Head, 10), new PipeStep(PipeKind.Tail, 2) }, piped.Pipes.ToArray());
    }

    [Fact]
    public void Plans_are_equal_for_equal_queries() =>
        Assert.Equal(Plan("sequence by host.id [process where a == 1] [file where true]".Replace("a ==", "process.pid ==")), Plan("sequence by host.id [process where process.pid == 1] [file where true]"));

    [Fact]
    public void Compile_never_throws_on_garbage()
    {
        var random = new Random(42);
        const string alphabet = "ab \"?![](){}|:=<>~+-*/%., process.name process.pid source.ip where and or not in like regex sequence by with maxspan=1s runs=2 until sample any null true false length( startsWith( cidrMatch( 1 2.5";
        for (var i = 0; i < 3000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 60)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var result = EqlCompiler.Compile(text, Catalog);
            Assert.True(result.Plan is not null || result.Diagnostics.Any(d => d.IsError), text);
            Assert.DoesNotContain(result.Diagnostics, d => d.Message.StartsWith("Internal error", StringComparison.Ordinal));
        }
    }
}
