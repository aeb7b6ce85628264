using Rules.Language.Documents;
using Rules.Language.Text;
using Rules.Language.Yaml;

namespace Rules.Tests.Documents;

public class YamlReaderTests
{
    private static DocParseResult Parse(string text) => YamlReader.Parse(new SourceText("test.yml", text));

    private static DocTable Ok(string text)
    {
        var result = Parse(text);
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
        // Every string maps each character back to where it is written, by the exact (style-aware) reading.
        long count = 0;
        var problem = YamlRoundTripTests.CheckSourceMaps(result.Root!, text, ref count);
        Assert.True(problem is null, problem);
        var (exact, total) = YamlRoundTripTests.CountExactMaps(text);
        Assert.Equal(total, exact);
        return result.Root!;
    }

    private static DocScalar Scalar(DocTable table, string key) => Assert.IsType<DocScalar>(table[key]);

    [Theory]
    [InlineData("42", DocNodeKind.Integer, 42L)]
    [InlineData("-17", DocNodeKind.Integer, -17L)]
    [InlineData("+5", DocNodeKind.Integer, 5L)]
    [InlineData("0x1F", DocNodeKind.Integer, 31L)]
    [InlineData("0o17", DocNodeKind.Integer, 15L)]
    [InlineData("1.5", DocNodeKind.Float, 1.5)]
    [InlineData("-2e3", DocNodeKind.Float, -2000.0)]
    [InlineData(".5", DocNodeKind.Float, 0.5)]
    [InlineData("1.", DocNodeKind.Float, 1.0)]
    [InlineData(".inf", DocNodeKind.Float, double.PositiveInfinity)]
    [InlineData("-.Inf", DocNodeKind.Float, double.NegativeInfinity)]
    [InlineData("true", DocNodeKind.Boolean, true)]
    [InlineData("False", DocNodeKind.Boolean, false)]
    [InlineData("TRUE", DocNodeKind.Boolean, true)]
    [InlineData("null", DocNodeKind.Null, null)]
    [InlineData("~", DocNodeKind.Null, null)]
    [InlineData("", DocNodeKind.Null, null)]
    [InlineData("yes", DocNodeKind.String, "yes")]
    [InlineData("on", DocNodeKind.String, "on")]
    [InlineData("0b101", DocNodeKind.String, "0b101")]
    [InlineData("1_000", DocNodeKind.String, "1_000")]
    [InlineData("2020/10/13", DocNodeKind.String, "2020/10/13")]
    [InlineData("now-9m", DocNodeKind.String, "now-9m")]
    [InlineData("\"42\"", DocNodeKind.String, "42")]
    [InlineData("'true'", DocNodeKind.String, "true")]
    [InlineData("!!str 42", DocNodeKind.String, "42")]
    [InlineData("!!int \"42\"", DocNodeKind.Integer, 42L)]
    public void Plain_scalars_resolve_with_the_core_schema(string literal, DocNodeKind kind, object? expected)
    {
        var result = Parse("v: " + literal);
        Assert.Empty(result.Diagnostics);
        var s = Scalar(result.Root!, "v");
        Assert.Equal(kind, s.Kind);
        Assert.Equal(expected, s.Value);
    }

    [Fact]
    public void Nan_is_a_float()
    {
        Assert.True(double.IsNaN((double)Scalar(Ok("v: .nan"), "v").Value!));
    }

    [Fact]
    public void Mappings_sequences_and_spans()
    {
        var text = "rule:\n  name: Test rule\n  tags: [a, \"b\"]\n  index:\n    - logs-*\n    - winlogbeat-*\n";
        var root = Ok(text);
        var rule = Assert.IsType<DocTable>(root["rule"]);
        Assert.Equal("Test rule", Scalar(rule, "name").Value);
        Assert.Equal(new SourceSpan(text.IndexOf("Test rule"), 9), rule["name"]!.Span);
        Assert.Equal(new SourceSpan(text.IndexOf("name"), 4), rule.Entries[0].KeySpan);
        var tags = Assert.IsType<DocArray>(rule["tags"]);
        Assert.Equal(new object?[] { "a", "b" }, tags.Items.Select(i => ((DocScalar)i).Value));
        Assert.Equal(SourceSpan.FromBounds(text.IndexOf('['), text.IndexOf(']') + 1), tags.Span);
        var index = Assert.IsType<DocArray>(rule["index"]);
        Assert.Equal(2, index.Items.Count);
        Assert.Equal(new SourceSpan(text.IndexOf("winlogbeat"), "winlogbeat-*".Length), index.Items[1].Span);
    }

    [Fact]
    public void Plain_single_line_scalar_has_a_verbatim_map()
    {
        var text = "query: process where process.name == \"a\"";
        var s = Scalar(Ok(text), "query");
        Assert.Equal(new StringSourceMap(text.IndexOf("process")), s.SourceMap);
    }

    [Fact]
    public void Plain_multi_line_scalar_folds_and_maps_each_character()
    {
        var text = "q: process where\n  true and\n\n  false\n";
        var s = Scalar(Ok(text), "q");
        Assert.Equal("process where true and\nfalse", s.Value);
        var value = (string)s.Value!;
        Assert.Equal(text.IndexOf("true"), s.SourceMap!.MapOffset(value.IndexOf("true")));
        Assert.Equal(text.IndexOf("false"), s.SourceMap.MapOffset(value.IndexOf("false")));
        Assert.Equal(text.IndexOf("where") + 5, s.SourceMap.MapOffset(value.IndexOf("where") + 5));
    }

    [Fact]
    public void Single_quoted_scalar_undoubles_quotes()
    {
        var text = "q: 'it''s C:\\Users\\*'";
        var s = Scalar(Ok(text), "q");
        Assert.Equal("it's C:\\Users\\*", s.Value);
        Assert.Equal(text.IndexOf("s C"), s.SourceMap!.MapOffset(3));
    }

    [Fact]
    public void Double_quoted_scalar_decodes_escapes_and_folds_lines()
    {
        var text = "q: \"a\\tb \\\"c\\\" \\u00e9\n  next\\\n  joined \\x41\"";
        var s = Scalar(Ok(text), "q");
        Assert.Equal("a\tb \"c\" é nextjoined A", s.Value);
        var value = (string)s.Value!;
        Assert.Equal(text.IndexOf("\\t"), s.SourceMap!.MapOffset(1));
        Assert.Equal(text.IndexOf("next"), s.SourceMap.MapOffset(value.IndexOf("next")));
        Assert.Equal(text.IndexOf("joined"), s.SourceMap.MapOffset(value.IndexOf("joined")));
    }

    [Fact]
    public void Literal_block_strips_indentation_and_maps_each_line()
    {
        var text = "rule:\n  query: |\n    process where\n      process.name : \"a\\\\b\"\n\n    and true\n  name: x\n";
        var s = Scalar(Assert.IsType<DocTable>(Ok(text)["rule"]), "query");
        Assert.Equal("process where\n  process.name : \"a\\\\b\"\n\nand true\n", s.Value);
        var value = (string)s.Value!;
        Assert.Equal(text.IndexOf("process where"), s.SourceMap!.MapOffset(0));
        Assert.Equal(text.IndexOf("process.name"), s.SourceMap.MapOffset(value.IndexOf("process.name")));
        Assert.Equal(text.IndexOf("and true"), s.SourceMap.MapOffset(value.IndexOf("and true")));
    }

    [Theory]
    [InlineData("q: |-\n  a\n  b\n\n", "a\nb")]
    [InlineData("q: |+\n  a\n  b\n\n", "a\nb\n\n")]
    [InlineData("q: |\n  a\n  b\n\n\nx: 1", "a\nb\n")]
    [InlineData("q: |2\n   a\n  b\n", " a\nb\n")]
    [InlineData("q: >\n  folded\n  text\n\n  para\n", "folded text\npara\n")]
    [InlineData("q: >-\n  one\n    more indented\n  two\n", "one\n  more indented\ntwo")]
    [InlineData("q: >\n  a\n\n    b\n  c\n", "a\n\n  b\nc\n")]
    [InlineData("q: |\r\n  crlf\r\n  lines\r\n", "crlf\nlines\n")]
    [InlineData("list:\n  - |\n    in a sequence\n  - >-\n    folded\n    in a sequence\n", null)]
    public void Block_scalars_chomp_fold_and_map_exactly(string text, string? expected)
    {
        var root = Ok(text);
        if (expected != null)
        {
            Assert.Equal(expected, Scalar(root, "q").Value);
        }
    }

    [Fact]
    public void Spans_count_utf16_code_units_after_non_bmp_characters()
    {
        var text = "a: \"\U0001F600 é\"\nb: 😀 x\nc: after\n";
        var root = Ok(text);
        Assert.Equal(new SourceSpan(text.IndexOf("after"), 5), root["c"]!.Span);
        Assert.Equal(text.IndexOf("x\n"), Scalar(root, "b").SourceMap!.MapOffset(3));
    }

    [Fact]
    public void Byte_order_mark_is_skipped_and_offsets_still_count_it()
    {
        var text = "\uFEFFname: value\n";
        var root = Ok(text);
        Assert.Equal(new SourceSpan(text.IndexOf("value"), 5), root["name"]!.Span);
    }

    [Fact]
    public void Anchors_and_aliases_share_the_node()
    {
        var root = Ok("base: &b\n  x: 1\ncopy: *b\n");
        Assert.Same(root["base"], root["copy"]);
    }

    [Fact]
    public void Keys_are_untyped_text_and_may_be_anchored_or_aliased()
    {
        var text = "1: one\ntrue: yes\n&k name: first\nother:\n  *k : second\n";
        var root = Ok(text);
        Assert.Equal(new[] { "1", "true", "name", "other" }, root.Entries.Select(e => e.Key));
        Assert.Equal(new SourceSpan(text.IndexOf("name"), 4), root.Entries[2].KeySpan);
        Assert.Equal("second", Scalar(Assert.IsType<DocTable>(root["other"]), "name").Value);
    }

    [Fact]
    public void Properties_are_not_part_of_a_scalar_span_or_map()
    {
        var text = "a: &anchor !!str 42\nb: !!str\n  |\n  block\nc: *anchor\n";
        var root = Ok(text);
        Assert.Equal(new SourceSpan(text.IndexOf("42"), 2), root["a"]!.Span);
        Assert.Equal(new StringSourceMap(text.IndexOf("42")), Scalar(root, "a").SourceMap);
        Assert.Equal("block\n", Scalar(root, "b").Value);
        Assert.Equal(text.IndexOf("block"), Scalar(root, "b").SourceMap!.MapOffset(0));
    }

    [Fact]
    public void Empty_file_is_an_empty_mapping()
    {
        Assert.Empty(Ok("").Entries);
        Assert.Empty(Ok("# just a comment\n").Entries);
        Assert.Empty(Ok("---\n...\n").Entries);
    }

    [Theory]
    [InlineData("a: 1\n b: 2", 2, 3)]
    [InlineData("a: \"unclosed\nb: 2", 1, 4)]
    [InlineData("a: [1, 2\nb: 3", 1, 6)]
    [InlineData("a: 1\na: 2", 2, 1)]
    [InlineData("- just\n- a list", 1, 1)]
    [InlineData("plain scalar", 1, 1)]
    [InlineData("a: 1\n---\nb: 2", 2, 1)]
    [InlineData("a: *nowhere", 1, 4)]
    [InlineData("a: !!int abc", 1, 10)]
    [InlineData("a: 99999999999999999999", 1, 4)]
    [InlineData("a:\n\t- tab", 2, 1)]
    public void Errors_are_DR1101_located(string text, int line, int column)
    {
        var result = Parse(text);
        Assert.Null(result.Root);
        var first = Assert.IsType<Rules.Language.Diagnostics.RuleDiagnostic>(result.Diagnostics[0]);
        Assert.Equal("DR1101", first.Id);
        Assert.True(new LinePosition(line - 1, column - 1).Equals(first.Location.Start), first.ToString());
    }

    [Fact]
    public void Fallback_map_is_ordered_and_stays_inside_the_scalar()
    {
        // A value the re-reading cannot rebuild from the text (as if YamlDotNet read it differently) gets the aligned map.
        var text = "k: abc def\n";
        var scalar = new YamlDotNet.Core.Events.Scalar(YamlDotNet.Core.AnchorName.Empty, YamlDotNet.Core.TagName.Empty, "a-d", YamlDotNet.Core.ScalarStyle.Plain, true, false,
            new YamlDotNet.Core.Mark(3, 1, 4), new YamlDotNet.Core.Mark(10, 1, 11));
        Assert.False(YamlScalarMapper.TryMapExactly(text, scalar, 3, 10, out _));
        var map = YamlScalarMapper.Map(text, scalar, 3, 10);
        Assert.Equal(3, map.MapOffset(0));
        Assert.InRange(map.MapOffset(1), 4, 9);
        Assert.Equal(7, map.MapOffset(2));
    }

    [Fact]
    public void Garbage_never_throws()
    {
        var random = new Random(4321);
        const string alphabet = "-:?[]{},#&*!|>'\"%@`\n \tab1.~";
        for (var n = 0; n < 3000; n++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var result = Parse(new string(chars));
            Assert.True(result.Root != null || result.Diagnostics.Count > 0);
        }
    }
}
