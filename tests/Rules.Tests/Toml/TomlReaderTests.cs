using Rules.Language.Documents;
using Rules.Language.Text;
using Rules.Language.Toml;

namespace Rules.Tests.Toml;

public class TomlReaderTests
{
    private static DocParseResult Parse(string text) => TomlReader.Parse(new SourceText("test.toml", text));

    private static DocTable Ok(string text)
    {
        var result = Parse(text);
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
        return result.Root!;
    }

    /// <summary>Asserts the first diagnostic's id and its one-based line and column.</summary>
    private static Rules.Language.Diagnostics.RuleDiagnostic Error(string text, string id, int line, int column)
    {
        var result = Parse(text);
        Assert.Null(result.Root);
        Assert.NotEmpty(result.Diagnostics);
        var first = result.Diagnostics[0];
        Assert.True(id == first.Id && new LinePosition(line - 1, column - 1).Equals(first.Location.Start),
            $"Expected {id} at {line},{column} but got {first}");
        Assert.True(first.Message.Length > 20, first.Message);
        return first;
    }

    private static object? Value(DocTable table, string key) => Assert.IsType<DocScalar>(table[key]).Value;

    private static DocScalar Scalar(DocTable table, string key) => Assert.IsType<DocScalar>(table[key]);

    // ---------- comments, whitespace, keys ----------

    [Fact]
    public void Comments_blank_lines_and_crlf_are_skipped()
    {
        var root = Ok("# comment\r\n\r\n  key = \"value\" # trailing\r\n\t other = 1\r\n# last");
        Assert.Equal("value", Value(root, "key"));
        Assert.Equal(1L, Value(root, "other"));
    }

    [Fact]
    public void Empty_document_is_an_empty_table()
    {
        Assert.Empty(Ok("").Entries);
        Assert.Empty(Ok("\uFEFF# only a comment\n").Entries);
    }

    [Fact]
    public void Bare_quoted_and_literal_keys()
    {
        var root = Ok("bare_key-1 = 1\n1234 = 2\n\"quoted key é\" = 3\n'literal \"key\"' = 4\n\"\" = 5\n\"a\\tb\" = 6");
        Assert.Equal(1L, Value(root, "bare_key-1"));
        Assert.Equal(2L, Value(root, "1234"));
        Assert.Equal(3L, Value(root, "quoted key é"));
        Assert.Equal(4L, Value(root, "literal \"key\""));
        Assert.Equal(5L, Value(root, ""));
        Assert.Equal(6L, Value(root, "a\tb"));
    }

    [Fact]
    public void Dotted_keys_create_tables_and_whitespace_around_dots_is_ignored()
    {
        var root = Ok("name.first = \"a\"\nname . last = \"b\"\nsite.\"google.com\" = true\n3.14 = \"pi\"");
        var name = Assert.IsType<DocTable>(root["name"]);
        Assert.Equal("a", Value(name, "first"));
        Assert.Equal("b", Value(name, "last"));
        Assert.Equal(true, Value(Assert.IsType<DocTable>(root["site"]), "google.com"));
        Assert.Equal("pi", Value(Assert.IsType<DocTable>(root["3"]), "14"));
    }

    [Fact]
    public void Entries_keep_file_order_and_key_spans()
    {
        var text = "zeta = 1\nalpha.beta = 2\n\"quoted\" = 3";
        var root = Ok(text);
        Assert.Equal(new[] { "zeta", "alpha", "quoted" }, root.Entries.Select(e => e.Key));
        Assert.Equal(new SourceSpan(text.IndexOf("alpha"), 5), root.Entries[1].KeySpan);
        Assert.Equal(new SourceSpan(text.IndexOf("beta"), 4), Assert.IsType<DocTable>(root["alpha"]).Entries[0].KeySpan);
        Assert.Equal(new SourceSpan(text.IndexOf("\"quoted\""), 8), root.Entries[2].KeySpan);
        Assert.Equal(new SourceSpan(text.IndexOf("2"), 1), root["alpha"] is DocTable t ? t["beta"]!.Span : default);
    }

    // ---------- strings ----------

    [Fact]
    public void Basic_strings_decode_every_escape()
    {
        var root = Ok("s = \"\\b\\t\\n\\f\\r\\\"\\\\\\u00E9\\U0001F600 end\"");
        Assert.Equal("\b\t\n\f\r\"\\é\U0001F600 end", Value(root, "s"));
    }

    [Fact]
    public void Basic_string_source_map_points_escapes_at_their_backslash()
    {
        var text = "q = \"a\\tb\\u00e9c\"";
        var s = Scalar(Ok(text), "q");
        Assert.Equal("a\tbéc", s.Value);
        var map = s.SourceMap!;
        Assert.Equal(text.IndexOf('a'), map.MapOffset(0));
        Assert.Equal(text.IndexOf("\\t"), map.MapOffset(1));
        Assert.Equal(text.IndexOf('b'), map.MapOffset(2));
        Assert.Equal(text.IndexOf("\\u"), map.MapOffset(3));
        Assert.Equal(text.IndexOf('c'), map.MapOffset(4));
        Assert.Equal(text.Length - 1, map.MapOffset(5));
        Assert.Equal(new SourceSpan(4, text.Length - 4), s.Span);
    }

    [Fact]
    public void Basic_string_without_escapes_has_a_verbatim_map()
    {
        var text = "q = \"process where true\"";
        var s = Scalar(Ok(text), "q");
        Assert.Equal(new StringSourceMap(5), s.SourceMap);
        Assert.Equal(text.IndexOf("where"), s.SourceMap!.MapOffset(8));
    }

    [Fact]
    public void Multi_line_basic_string_trims_first_newline_and_line_ending_backslash()
    {
        var text = "s = \"\"\"\nThe quick \\\n\n    brown fox\"\"\"";
        var s = Scalar(Ok(text), "s");
        Assert.Equal("The quick brown fox", s.Value);
        Assert.Equal(text.IndexOf("The"), s.SourceMap!.MapOffset(0));
        Assert.Equal(text.IndexOf("brown"), s.SourceMap.MapOffset("The quick ".Length));
        Assert.Equal(text.IndexOf("fox") + 2, s.SourceMap.MapOffset("The quick brown fox".Length - 1));
    }

    [Fact]
    public void Multi_line_basic_string_keeps_inner_newlines_and_quotes()
    {
        var root = Ok("a = \"\"\"one\ntwo \"quoted\" \"\"\"\"\"\nb = \"\"\"\"\"\"\nc = \"\"\"x\r\ny\"\"\"");
        Assert.Equal("one\ntwo \"quoted\" \"\"", Value(root, "a"));
        Assert.Equal("", Value(root, "b"));
        Assert.Equal("x\r\ny", Value(root, "c"));
    }

    [Fact]
    public void Literal_strings_are_verbatim()
    {
        var text = "path = 'C:\\Users\\*.dll'\nregex = '<\\i\\c*\\s*>'";
        var root = Ok(text);
        Assert.Equal("C:\\Users\\*.dll", Value(root, "path"));
        Assert.Equal("<\\i\\c*\\s*>", Value(root, "regex"));
        Assert.Equal(new StringSourceMap(text.IndexOf("C:")), Scalar(root, "path").SourceMap);
    }

    [Fact]
    public void Multi_line_literal_string_trims_first_newline_and_maps_verbatim()
    {
        var text = "query = '''\nprocess where\n  process.name : \"a\\\\b\"\n'''";
        var s = Scalar(Ok(text), "query");
        Assert.Equal("process where\n  process.name : \"a\\\\b\"\n", s.Value);
        Assert.Equal(new StringSourceMap(text.IndexOf("process")), s.SourceMap);
        Assert.Equal(text.IndexOf("name"), s.SourceMap!.MapOffset(((string)s.Value!).IndexOf("name")));
    }

    [Fact]
    public void Multi_line_literal_string_may_end_with_quotes()
    {
        Assert.Equal("it's ''", Value(Ok("a = '''it's '''''"), "a"));
    }

    [Theory]
    [InlineData("a = \"abc", 1, 5)]
    [InlineData("a = \"abc\nb = 1", 1, 5)]
    [InlineData("a = 'abc\n'", 1, 5)]
    [InlineData("a = \"\"\"abc", 1, 5)]
    [InlineData("a = '''abc", 1, 5)]
    [InlineData("a = \"bad \\x escape\"", 1, 10)]
    [InlineData("a = \"bad \\e escape\"", 1, 10)]
    [InlineData("a = \"\\u12\"", 1, 6)]
    [InlineData("a = \"\\uD800\"", 1, 6)]
    [InlineData("a = \"\\U00110000\"", 1, 6)]
    [InlineData("a = \"ctrl \u0001\"", 1, 11)]
    [InlineData("a = 'ctrl \u0007'", 1, 11)]
    [InlineData("a = \"\"\"x\"\"\"\"\"\"\"", 1, 14)]
    [InlineData("a = \"\"\"\\ x\"\"\"", 1, 8)]
    public void Invalid_strings_are_located(string text, int line, int column) => Error(text, "DR1001", line, column);

    // ---------- numbers, booleans, date-times ----------

    [Theory]
    [InlineData("99", 99L)]
    [InlineData("+99", 99L)]
    [InlineData("-17", -17L)]
    [InlineData("0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("1_000", 1000L)]
    [InlineData("5_349_221", 5349221L)]
    [InlineData("0xDEADBEEF", 0xDEADBEEFL)]
    [InlineData("0xdead_beef", 0xDEADBEEFL)]
    [InlineData("0o755", 493L)]
    [InlineData("0b1101_0110", 214L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("0x7FFFFFFFFFFFFFFF", long.MaxValue)]
    public void Integers(string literal, long expected)
    {
        var s = Scalar(Ok("n = " + literal), "n");
        Assert.Equal(DocNodeKind.Integer, s.Kind);
        Assert.Equal(expected, s.Value);
        Assert.Equal(new SourceSpan(4, literal.Length), s.Span);
    }

    [Theory]
    [InlineData("+1.0", 1.0)]
    [InlineData("3.1415", 3.1415)]
    [InlineData("-0.01", -0.01)]
    [InlineData("5e+22", 5e22)]
    [InlineData("1e06", 1e6)]
    [InlineData("-2E-2", -0.02)]
    [InlineData("6.626e-34", 6.626e-34)]
    [InlineData("224_617.445_991", 224617.445991)]
    [InlineData("0.0", 0.0)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("+inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    public void Floats(string literal, double expected)
    {
        var s = Scalar(Ok("f = " + literal), "f");
        Assert.Equal(DocNodeKind.Float, s.Kind);
        Assert.Equal(expected, (double)s.Value!);
    }

    [Fact]
    public void Nan_is_a_float()
    {
        var root = Ok("a = nan\nb = +nan\nc = -nan");
        Assert.True(double.IsNaN((double)Value(root, "a")!));
        Assert.True(double.IsNaN((double)Value(root, "c")!));
    }

    [Fact]
    public void Booleans()
    {
        var root = Ok("t = true\nf = false");
        Assert.Equal(true, Value(root, "t"));
        Assert.Equal(DocNodeKind.Boolean, Scalar(root, "f").Kind);
        Assert.Equal(false, Value(root, "f"));
    }

    [Theory]
    [InlineData("1979-05-27T07:32:00Z")]
    [InlineData("1979-05-27T00:32:00-07:00")]
    [InlineData("1979-05-27T00:32:00.999999-07:00")]
    [InlineData("1979-05-27 07:32:00Z")]
    [InlineData("1979-05-27t07:32:00z")]
    [InlineData("1979-05-27T07:32:00")]
    [InlineData("1979-05-27T00:32:00.999999")]
    [InlineData("1979-05-27")]
    [InlineData("2024-02-29")]
    [InlineData("07:32:00")]
    [InlineData("00:32:00.999999")]
    [InlineData("23:59:60")]
    public void Date_times_keep_their_text(string literal)
    {
        var s = Scalar(Ok("d = " + literal + " # comment"), "d");
        Assert.Equal(DocNodeKind.DateTime, s.Kind);
        Assert.Equal(literal, s.Value);
        Assert.Equal(new SourceSpan(4, literal.Length), s.Span);
    }

    [Theory]
    [InlineData("n = 012")]
    [InlineData("n = 1__2")]
    [InlineData("n = _1")]
    [InlineData("n = 1_")]
    [InlineData("n = 0x")]
    [InlineData("n = 0xG")]
    [InlineData("n = +0x1")]
    [InlineData("n = 0o8")]
    [InlineData("n = 0b2")]
    [InlineData("n = 9223372036854775808")]
    [InlineData("n = 0x8000000000000000")]
    [InlineData("n = 1.")]
    [InlineData("n = .1")]
    [InlineData("n = 1e")]
    [InlineData("n = 1.e5")]
    [InlineData("n = 01.5")]
    [InlineData("n = 1._5")]
    [InlineData("n = nan2")]
    [InlineData("n = Inf")]
    [InlineData("n = True")]
    [InlineData("n = null")]
    [InlineData("n = bare")]
    [InlineData("n = 1979-13-01")]
    [InlineData("n = 1979-02-30")]
    [InlineData("n = 2023-02-29")]
    [InlineData("n = 07:32")]
    [InlineData("n = 25:00:00")]
    [InlineData("n = 07:60:00")]
    [InlineData("n = 1979-05-27T07:32:00+25:00")]
    [InlineData("n = 1979-05-27T07:32:00+0700")]
    [InlineData("n = 07:32:00Z")]
    [InlineData("n = 1979-05-27T07:32:00.")]
    [InlineData("n = 1979-05-27X07:32:00")]
    public void Invalid_scalars_are_located_at_the_value(string text) => Error(text, "DR1001", 1, 5);

    [Fact]
    public void Null_error_names_the_value()
    {
        var error = Error("\n\nkeys = [\"a\", null]", "DR1001", 3, 14);
        Assert.Contains("'null'", error.Message);
        Assert.Contains("no null", error.Message);
        Assert.Equal(new SourceSpan(15, 4), error.Location.Span);
    }

    // ---------- arrays and inline tables ----------

    [Fact]
    public void Arrays_nested_mixed_and_multi_line_with_trailing_comma_and_comments()
    {
        var text = "a = [ [ 1, 2 ], [\"x\", 'y'], 1.5, { k = 1 } ]\nb = [\n  \"one\", # first\n  # between\n  \"two\",\n]\nc = []";
        var root = Ok(text);
        var a = Assert.IsType<DocArray>(root["a"]);
        Assert.Equal(4, a.Items.Count);
        Assert.Equal(2, Assert.IsType<DocArray>(a.Items[0]).Items.Count);
        Assert.Equal(1L, Assert.IsType<DocScalar>(Assert.IsType<DocTable>(a.Items[3])["k"]).Value);
        var b = Assert.IsType<DocArray>(root["b"]);
        Assert.Equal(new object?[] { "one", "two" }, b.Items.Select(i => ((DocScalar)i).Value));
        Assert.Equal(SourceSpan.FromBounds(text.IndexOf("[\n"), text.IndexOf("]\nc") + 1), b.Span);
        Assert.Empty(Assert.IsType<DocArray>(root["c"]).Items);
    }

    [Fact]
    public void Inline_tables_with_dotted_keys_and_nesting()
    {
        var text = "point = { x = 1, y.z = 2, inner = { w = \"v\" } }\nempty = {}";
        var root = Ok(text);
        var point = Assert.IsType<DocTable>(root["point"]);
        Assert.Equal(1L, Value(point, "x"));
        Assert.Equal(2L, Value(Assert.IsType<DocTable>(point["y"]), "z"));
        Assert.Equal("v", Value(Assert.IsType<DocTable>(point["inner"]), "w"));
        Assert.Equal(SourceSpan.FromBounds(text.IndexOf('{'), text.IndexOf("}\n") + 1), point.Span);
        Assert.Empty(Assert.IsType<DocTable>(root["empty"]).Entries);
    }

    [Theory]
    [InlineData("a = [1, 2", 1, 5)]
    [InlineData("a = [1 2]", 1, 8)]
    [InlineData("a = [1,,2]", 1, 8)]
    [InlineData("a = [\n1,\n2\n# no close", 1, 5)]
    [InlineData("a = { x = 1, }", 1, 14)]
    [InlineData("a = { x = 1\n}", 1, 12)]
    [InlineData("a = {\nx = 1 }", 1, 6)]
    [InlineData("a = { x = 1 y = 2 }", 1, 13)]
    [InlineData("a = { x }", 1, 9)]
    [InlineData("a = { , }", 1, 7)]
    public void Invalid_arrays_and_inline_tables_are_located(string text, int line, int column) => Error(text, "DR1001", line, column);

    // ---------- tables and arrays of tables ----------

    [Fact]
    public void Tables_dotted_headers_and_implicit_super_tables()
    {
        var text = "[a.b.c]\nx = 1\n[ a . \"q.k\" ]\ny = 2\n[a]\nz = 3\n[a.b]\nw = 4";
        var root = Ok(text);
        var a = Assert.IsType<DocTable>(root["a"]);
        Assert.Equal(3L, Value(a, "z"));
        var b = Assert.IsType<DocTable>(a["b"]);
        Assert.Equal(4L, Value(b, "w"));
        Assert.Equal(1L, Value(Assert.IsType<DocTable>(b["c"]), "x"));
        Assert.Equal(2L, Value(Assert.IsType<DocTable>(a["q.k"]), "y"));
        // A table defined by a header is located at its header (the first one that defined it).
        Assert.Equal(new SourceSpan(text.IndexOf("[a]"), 3), a.Span);
        Assert.Equal(new SourceSpan(text.IndexOf("[a.b]"), 5), b.Span);
    }

    [Fact]
    public void Header_sub_table_of_a_dotted_key_table_is_allowed()
    {
        var root = Ok("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true");
        var apple = Assert.IsType<DocTable>(Assert.IsType<DocTable>(root["fruit"])["apple"]);
        Assert.Equal("red", Value(apple, "color"));
        Assert.Equal(true, Value(Assert.IsType<DocTable>(apple["texture"]), "smooth"));
    }

    [Fact]
    public void Arrays_of_tables_with_sub_tables_and_nested_arrays()
    {
        // The example of TOML 1.0 "Array of Tables".
        var text = """
            [[fruits]]
            name = "apple"

            [fruits.physical]  # subtable
            color = "red"
            shape = "round"

            [[fruits.varieties]]  # nested array of tables
            name = "red delicious"

            [[fruits.varieties]]
            name = "granny smith"

            [[fruits]]
            name = "banana"

            [[fruits.varieties]]
            name = "plantain"
            """;
        var root = Ok(text);
        var fruits = Assert.IsType<DocArray>(root["fruits"]);
        Assert.Equal(2, fruits.Items.Count);
        var apple = Assert.IsType<DocTable>(fruits.Items[0]);
        Assert.Equal("round", Value(Assert.IsType<DocTable>(apple["physical"]), "shape"));
        Assert.Equal(2, Assert.IsType<DocArray>(apple["varieties"]).Items.Count);
        var banana = Assert.IsType<DocTable>(fruits.Items[1]);
        Assert.Equal("plantain", Value(Assert.IsType<DocTable>(Assert.Single(Assert.IsType<DocArray>(banana["varieties"]).Items)), "name"));
        Assert.Equal(new SourceSpan(text.IndexOf("[[fruits]]\nname = \"banana\"", StringComparison.Ordinal), 10), banana.Span);
    }

    [Fact]
    public void Rule_threat_layout_reads_like_the_corpus()
    {
        var root = Ok("[rule]\nname = \"n\"\n[[rule.threat]]\nframework = \"MITRE ATT&CK\"\n[[rule.threat.technique]]\nid = \"T1\"\n[rule.threat.tactic]\nid = \"TA1\"\n[[rule.threat]]\nframework = \"MITRE ATT&CK\"\n[rule.threat.tactic]\nid = \"TA2\"");
        var threats = Assert.IsType<DocArray>(Assert.IsType<DocTable>(root["rule"])["threat"]);
        Assert.Equal(2, threats.Items.Count);
        Assert.Equal("TA2", Value(Assert.IsType<DocTable>(((DocTable)threats.Items[1])["tactic"]), "id"));
    }

    [Theory]
    [InlineData("[a", 1, 3)]
    [InlineData("[a]]", 1, 4)]
    [InlineData("[[a]", 1, 5)]
    [InlineData("[ [a]]", 1, 3)]
    [InlineData("[]", 1, 2)]
    [InlineData("[a.]", 1, 4)]
    [InlineData("[a] b = 1", 1, 5)]
    [InlineData("a = 1 b = 2", 1, 7)]
    [InlineData("a b = 1", 1, 3)]
    [InlineData("a", 1, 2)]
    [InlineData("= 1", 1, 1)]
    [InlineData("a =", 1, 4)]
    [InlineData("a = # nothing", 1, 5)]
    [InlineData("a = 1\rb = 2", 1, 6)]
    [InlineData("a = 1 # bad \u0001 comment", 1, 13)]
    [InlineData("\"\"\"k\"\"\" = 1", 1, 1)]
    [InlineData("x = 1\n\n  y = \"ok\"\n  z = tru", 4, 7)]
    public void Invalid_syntax_is_located(string text, int line, int column) => Error(text, "DR1001", line, column);

    // ---------- redefinitions: DR1002 ----------

    [Theory]
    [InlineData("a = 1\na = 2", 2, 1)]
    [InlineData("a = 1\n\"a\" = 2", 2, 1)]
    [InlineData("[t]\n[t]", 2, 2)]
    [InlineData("[t]\nx = 1\n[u]\n[t]", 4, 2)]
    [InlineData("a = 1\n[a]", 2, 2)]
    [InlineData("a.b = 1\na.b.c = 2", 2, 3)]
    [InlineData("[fruit]\napple.color = \"red\"\n[fruit.apple]", 3, 8)]
    [InlineData("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, 3)]
    [InlineData("a = { b = 1 }\na.c = 2", 2, 1)]
    [InlineData("a = { b = 1 }\n[a]", 2, 2)]
    [InlineData("a = { b = { c = 1 } }\n[a.b.d]", 2, 2)]
    [InlineData("a = { b = 1, b = 2 }", 1, 14)]
    [InlineData("a = { b = { c = 1 }, b.d = 2 }", 1, 22)]
    [InlineData("a = [1]\n[[a]]", 2, 3)]
    [InlineData("[[a]]\n[a]", 2, 2)]
    [InlineData("[a]\n[[a]]", 2, 3)]
    [InlineData("[x.y]\n[x]\ny = 1", 3, 1)]
    [InlineData("a = 1\n[a.b]", 2, 2)]
    public void Redefinitions_are_DR1002_at_the_key(string text, int line, int column) => Error(text, "DR1002", line, column);

    [Fact]
    public void Every_redefinition_is_reported()
    {
        var result = Parse("a = 1\na = 2\n[t]\n[t]\nb = 3\nb = 4");
        Assert.Null(result.Root);
        Assert.Equal(new[] { "DR1002", "DR1002", "DR1002" }, result.Diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void Defining_an_implicit_table_once_is_allowed()
    {
        var root = Ok("[x.y.z.w]\n[x]\na = 1\n[x.y]\nb = 2");
        Assert.Equal(2L, Value(Assert.IsType<DocTable>(Assert.IsType<DocTable>(root["x"])["y"]), "b"));
    }

    [Fact]
    public void Diagnostic_prints_file_line_and_column()
    {
        var error = Error("a = 1\nb = 012", "DR1001", 2, 5);
        Assert.StartsWith("test.toml(2,5): error DR1001: ", error.ToString());
        Assert.Contains("leading zero", error.Message);
    }

    [Fact]
    public void Garbage_never_throws()
    {
        var random = new Random(1234);
        const string alphabet = "[]{}=\"'.,#\n\r\t \\abc019_-+:TZuU";
        for (var n = 0; n < 3000; n++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var result = Parse(new string(chars));
            Assert.True(result.Root != null || result.Diagnostics.Count > 0);
            foreach (var diagnostic in result.Diagnostics)
            {
                Assert.InRange(diagnostic.Location.Span.End, 0, chars.Length);
            }
        }
    }
}
