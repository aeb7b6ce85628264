using Rules.Language.Binding;
using Rules.Language.Kql;
using Rules.Language.Ir;
using static Rules.Tests.Kql.KqlTestCatalog;

namespace Rules.Tests.Kql;

/// <summary>One test per row of docs/semantics.md, "KQL and query DSL" (KQL rows).</summary>
public class KqlSemanticsTests
{
    [Fact]
    public void Kql_value_on_keyword_is_exact_case_sensitive()
    {
        Assert.Equal(Str("process.name", StringMatchKind.Equals, "CMD.exe"), Compile("process.name:CMD.exe"));
        // Unquoted true/false are boolean literals in Kibana, sent as the text "true" to a keyword field.
        Assert.Equal(Str("process.name", StringMatchKind.Equals, "true"), Compile("process.name:true"));
    }

    [Fact]
    public void Kql_quoted_value_on_keyword_is_exact() =>
        Assert.Equal(Str("process.name", StringMatchKind.Equals, "cmd .exe"), Compile("process.name:\"cmd .exe\""));

    [Fact]
    public void Kql_wildcard_on_keyword_matches_whole_value()
    {
        Assert.Equal(Str("process.name", StringMatchKind.StartsWith, "cmd"), Compile("process.name:cmd*"));
        Assert.Equal(Str("process.name", StringMatchKind.EndsWith, ".exe"), Compile("process.name:*.exe"));
        Assert.Equal(Str("process.name", StringMatchKind.Contains, "md.e"), Compile("process.name:*md.e*"));
        Assert.Equal(Str("process.name", StringMatchKind.Wildcard, "c*d.*e"), Compile("process.name:c*d.*e"));
        // The detection engine sends query_string for every type: terms split at whitespace, OR.
        Assert.Equal(
            Or(Str("process.name", StringMatchKind.Equals, "a"), Str("process.name", StringMatchKind.Wildcard, "b*c*")),
            Compile("process.name:a b*c*"));
        // '?' is literal in KQL (Kibana escapes it), so the pattern becomes an anchored Lucene regex.
        Assert.Equal(Str("process.name", StringMatchKind.StartsWith, "a?"), Compile("process.name:a?*"));
        Assert.Equal(Str("process.name", StringMatchKind.Regex, Rules.Language.Eql.LuceneRegex.Translate("a\\?.*b.*", out _)!), Compile("process.name:a?*b*"));
        // An escaped star is literal.
        Assert.Equal(Str("process.name", StringMatchKind.StartsWith, "a*b"), Compile("process.name:a\\*b*"));
    }

    [Fact]
    public void Kql_quoted_star_is_literal() =>
        Assert.Equal(Str("process.name", StringMatchKind.Equals, "cmd*"), Compile("process.name:\"cmd*\""));

    [Fact]
    public void Kql_value_on_wildcard_field_is_exact() =>
        Assert.Equal(Str("process.command_line", StringMatchKind.Equals, "cmd /c whoami"), Compile("process.command_line:\"cmd /c whoami\""));

    [Fact]
    public void Kql_wildcard_with_space_on_wildcard_field_splits_terms()
    {
        // query_string splits "*net user*" at the space: *net OR user*.
        Assert.Equal(
            Or(Str("process.command_line", StringMatchKind.EndsWith, "net"), Str("process.command_line", StringMatchKind.StartsWith, "user")),
            Compile("process.command_line:*net user*"));
        Assert.Equal(Str("process.command_line", StringMatchKind.Contains, "whoami"), Compile("process.command_line:*whoami*"));
        // An escaped upper-case keyword would be a query_string operator.
        CompileError("process.command_line:*a \\OR b*", "DR7002");
        Assert.Equal(
            Or(Str("process.command_line", StringMatchKind.EndsWith, "a"), Str("process.command_line", StringMatchKind.Equals, "or"), Str("process.command_line", StringMatchKind.StartsWith, "b")),
            Compile("process.command_line:*a \\or b*"));
    }

    [Fact]
    public void Kql_value_on_constant_keyword_is_exact() =>
        Assert.Equal(Str("data_stream.dataset", StringMatchKind.Equals, "gcp.audit"), Compile("data_stream.dataset:gcp.audit"));

    [Fact]
    public void Kql_unquoted_on_text_matches_any_token() =>
        Assert.Equal(
            Or(Text("powershell.file.script_block_text", false, "invoke"), Text("powershell.file.script_block_text", false, "mimikatz")),
            Compile("powershell.file.script_block_text:Invoke-Mimikatz"));

    [Fact]
    public void Kql_quoted_on_text_is_phrase()
    {
        Assert.Equal(Text("powershell.file.script_block_text", true, "invoke", "mimikatz"), Compile("powershell.file.script_block_text:\"Invoke-Mimikatz\""));
        Assert.Equal(Text("message", false, "lsass.exe"), Compile("message:\"LSASS.EXE\""));
    }

    [Fact]
    public void Kql_wildcard_on_text_matches_tokens()
    {
        Assert.Equal(new TextTokenWildcardExpr(Bound("message"), new[] { "invoke*" }), Compile("message:Invoke*"));
        // query_string: terms split at spaces; a plain term is analysed (any token).
        Assert.Equal(
            Or(new TextTokenWildcardExpr(Bound("message"), new[] { "*shell" }), Text("message", false, "bypass")),
            Compile("message:*Shell ByPass"));
    }

    [Fact]
    public void Kql_value_without_tokens_on_text_matches_nothing() =>
        Assert.Equal(new ConstantExpr(false), Compile("message:\"--\""));

    [Fact]
    public void Kql_value_on_long_is_numeric()
    {
        Assert.Equal(Cmp("destination.port", CompareOp.Equal, LiteralExpr.Int(80)), Compile("destination.port:80"));
        Assert.Equal(Cmp("destination.port", CompareOp.Equal, LiteralExpr.Int(80)), Compile("destination.port:\"80.0\""));
    }

    [Fact]
    public void Kql_decimal_on_integer_field_matches_nothing() =>
        Assert.Equal(new ConstantExpr(false), Compile("destination.port:80.5"));

    [Fact]
    public void Kql_non_number_on_numeric_field_is_DR6003()
    {
        var diagnostic = CompileError("destination.port:http", "DR6003");
        Assert.Equal(17, diagnostic.Location.Start.Character);
        Assert.Contains("'http' is not a valid value for field 'destination.port' of type long", diagnostic.Message);
        CompileError("event.severity_byte:300", "DR6003");
    }

    [Fact]
    public void Kql_decimal_range_bound_on_integer_rounds_inward()
    {
        Assert.Equal(Cmp("process.args_count", CompareOp.GreaterOrEqual, LiteralExpr.Int(2)), Compile("process.args_count > 1.5"));
        Assert.Equal(Cmp("process.args_count", CompareOp.LessOrEqual, LiteralExpr.Int(1)), Compile("process.args_count < 1.5"));
        Assert.Equal(Cmp("process.args_count", CompareOp.Greater, LiteralExpr.Int(3)), Compile("process.args_count > 3"));
        Assert.Equal(Cmp("process.args_count", CompareOp.GreaterOrEqual, LiteralExpr.Int(-1)), Compile("process.args_count > -1.5"));
    }

    [Fact]
    public void Kql_range_on_float() =>
        Assert.Equal(Cmp("ml.probability", CompareOp.Greater, LiteralExpr.Double(0.98)), Compile("ml.probability > 0.98"));

    [Fact]
    public void Kql_value_on_boolean()
    {
        Assert.Equal(Cmp("dll.code_signature.trusted", CompareOp.Equal, LiteralExpr.Bool(false)), Compile("dll.code_signature.trusted:false"));
        Assert.Equal(Cmp("dll.code_signature.trusted", CompareOp.Equal, LiteralExpr.Bool(true)), Compile("dll.code_signature.trusted:\"true\""));
        CompileError("dll.code_signature.trusted:yes", "DR6003");
    }

    [Fact]
    public void Kql_value_on_date_is_instant_equality()
    {
        var expected = new LiteralExpr(IrType.Date, "2024-01-31T10:00:00.000Z", 1706695200000, 0, false);
        Assert.Equal(Cmp("event.ingested", CompareOp.Equal, expected), Compile("event.ingested:\"2024-01-31T12:00:00+02:00\""));
        Assert.Equal(Cmp("event.ingested", CompareOp.GreaterOrEqual, expected), Compile("event.ingested >= 1706695200000"));
        CompileError("event.ingested:yesterday", "DR6003");
    }

    [Fact]
    public void Kql_date_math_and_partial_dates_are_unsupported()
    {
        var diagnostic = CompileError("event.ingested > now-1d", "DR7002");
        Assert.Equal(17, diagnostic.Location.Start.Character);
        CompileError("event.ingested >= \"2024-01-31\"", "DR7002");
        CompileError("event.ingested >= \"2024-01-31T00:00:00.0001Z\"", "DR7002");
    }

    [Fact]
    public void Kql_cidr_on_ip()
    {
        Assert.Equal(new CidrMatchExpr(F("destination.ip"), new[] { "10.0.0.0/8" }), Compile("destination.ip:10.0.0.0/8"));
        Assert.Equal(new CidrMatchExpr(F("destination.ip"), new[] { "192.168.0.0/16" }), Compile("destination.ip:\"192.168.7.1/16\""));
        Assert.Equal(new CidrMatchExpr(F("source.ip"), new[] { "10.1.2.3/32" }), Compile("source.ip:10.1.2.3"));
    }

    [Fact]
    public void Kql_ipv6_on_ip_is_normalised()
    {
        Assert.Equal(new CidrMatchExpr(F("source.ip"), new[] { "2001:db8::1/128" }), Compile("source.ip:\"2001:DB8:0:0:0:0:0:1\""));
        Assert.Equal(new CidrMatchExpr(F("source.ip"), new[] { "fe80::/10" }), Compile("source.ip:\"fe80::/10\""));
        Assert.Equal(new CidrMatchExpr(F("source.ip"), new[] { "10.0.0.1/32" }), Compile("source.ip:\"::ffff:10.0.0.1\""));
        CompileError("source.ip:\"1.2.3\"", "DR6003");
        CompileError("source.ip:\"010.0.0.1\"", "DR6003");
    }

    [Fact]
    public void Kql_wildcard_on_ip_is_DR6003() => CompileError("source.ip:10.*", "DR6003");

    [Fact]
    public void Kql_star_is_exists()
    {
        Assert.Equal(new ExistsExpr(Bound("source.ip")), Compile("source.ip:*"));
        Assert.Equal(new ExistsExpr(Bound("message")), Compile("message:*"));
        Assert.Equal(new ConstantExpr(true), Compile("*:*"));
        Assert.Equal(new ConstantExpr(true), Compile(""));
    }

    [Fact]
    public void Kql_range_on_keyword_is_ordinal() =>
        Assert.Equal(Cmp("process.name", CompareOp.Less, LiteralExpr.String("m")), Compile("process.name < m"));

    [Fact]
    public void Kql_range_on_text_ip_boolean_version_is_unsupported()
    {
        CompileError("message > m", "DR7002");
        CompileError("source.ip > 10.0.0.1", "DR7002");
        CompileError("dll.code_signature.trusted > false", "DR7002");
        CompileError("package.version > 1.2.3", "DR7002");
    }

    [Fact]
    public void Kql_field_wildcard_expands_over_catalog()
    {
        Assert.Equal(
            Or(Str("process.name", StringMatchKind.StartsWith, "x"), Str("process.parent.name", StringMatchKind.StartsWith, "x")),
            Compile("process.*me:x*"));
        Assert.Equal(
            Or(new ExistsExpr(Bound("process.name")), new ExistsExpr(Bound("process.parent.name"))),
            Compile("process.*me:*"));
    }

    [Fact]
    public void Kql_field_wildcard_with_exact_value_never_matches()
    {
        foreach (var query in new[] { "process.*me:x", "process.*me:\"x\"", "process.*me > 1", "process.*me:(x or y)" })
        {
            var (condition, diagnostics) = Rules.Language.Kql.KqlCompiler.Compile(Rules.Language.Binding.QuerySource.ForText(query), Catalog);
            var never = new ConstantExpr(false);
            Assert.Equal(query.EndsWith(")") ? Or(never, never) : never, condition);
            var warning = Assert.Single(diagnostics);
            Assert.Equal("DR4002", warning.Id);
            Assert.False(warning.IsError);
            Assert.Equal((0, 11), (warning.Location.Start.Character, warning.Location.End.Character));
        }
    }

    [Fact]
    public void Kql_not_matches_missing_field() =>
        Assert.Equal(new NotExpr(Str("process.name", StringMatchKind.Equals, "a")), Compile("not process.name:a"));

    [Fact]
    public void Kql_value_list_distributes_the_field() =>
        Assert.Equal(
            Or(Str("process.name", StringMatchKind.Equals, "a"), And(Str("process.name", StringMatchKind.Equals, "b"), new NotExpr(Str("process.name", StringMatchKind.Equals, "c")))),
            Compile("process.name:(a or b and not c)"));

    [Fact]
    public void Kql_value_without_field_is_unsupported()
    {
        var diagnostic = CompileError("process.name:a and mimikatz", "DR7002");
        Assert.Equal(19, diagnostic.Location.Start.Character);
        CompileError("*:mimikatz*", "DR7002");
    }

    [Fact]
    public void Kql_nested_query_is_one_object_meeting_the_whole_condition()
    {
        Assert.Equal(
            new NestedExpr(Bound("gcp.binding_deltas"), Str("gcp.binding_deltas.role", StringMatchKind.Equals, "x")),
            Compile("gcp.binding_deltas:{ role:x }"));
        CompileError("process.parent:{ name:x }", "DR6002");
    }

    [Fact]
    public void Kql_unknown_field_is_DR6001()
    {
        var diagnostic = CompileError("process.name:a and proces.name:b", "DR6001");
        Assert.Equal((0, 19), (diagnostic.Location.Start.Line, diagnostic.Location.Start.Character));
        Assert.Equal(30, diagnostic.Location.End.Character);
    }

    [Fact]
    public void Kql_null_value_is_DR6003() => CompileError("process.name:null", "DR6003");

    [Fact]
    public void Kql_object_field_value_is_DR6002() => CompileError("process.parent:x", "DR6002");

    [Fact]
    public void Kql_corpus_shapes_compile()
    {
        // Shapes copied from corpus rules: escaped backslashes in wildcards, quoted paths, ranges.
        Assert.Equal(
            Str("process.executable", StringMatchKind.Wildcard, "C:\\Windows\\*\\cmd.exe"),
            Compile("process.executable : C\\:\\\\Windows\\\\*\\\\cmd.exe"));
        Assert.Equal(
            Str("file.path", StringMatchKind.Equals, "C:\\Windows\\System32\\x.dll"),
            Compile("file.path : \"C:\\\\Windows\\\\System32\\\\x.dll\""));
        Assert.Equal(
            And(Cmp("http.response.status_code", CompareOp.GreaterOrEqual, LiteralExpr.Int(300)), Cmp("http.response.status_code", CompareOp.LessOrEqual, LiteralExpr.Int(399))),
            Compile("http.response.status_code >= 300 and http.response.status_code <= 399"));
    }

    [Fact]
    public void Many_errors_are_all_reported()
    {
        var (condition, diagnostics) = Rules.Language.Kql.KqlCompiler.Compile(Rules.Language.Binding.QuerySource.ForText("a:1 and destination.port:x and b:2"), Catalog);
        Assert.Null(condition);
        Assert.Equal(new[] { "DR6001", "DR6003", "DR6001" }, diagnostics.Select(d => d.Id));
    }
}
