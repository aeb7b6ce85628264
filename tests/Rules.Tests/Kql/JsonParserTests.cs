using Rules.Language.Dsl;

namespace Rules.Tests.Kql;

public class JsonParserTests
{
    [Fact]
    public void Parses_objects_arrays_and_scalars()
    {
        Assert.True(JsonParser.TryParse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u0041\\n\\\\\"], \"b\": {}} ", out var value, out _, out _));
        var a = value!.Get("a")!;
        Assert.Equal(JsonKind.Array, a.Kind);
        Assert.Equal(new[] { "1", "-2.5e3", "true", "false", null, "xA\n\\" }, a.Items.Select(i => i.ScalarText));
        Assert.Equal(JsonKind.Null, a.Items[4].Kind);
        Assert.Equal(JsonKind.Object, value.Get("b")!.Kind);
        Assert.Null(value.Get("c"));
    }

    [Fact]
    public void Duplicate_keys_keep_the_last_value()
    {
        Assert.True(JsonParser.TryParse("{\"a\":1,\"a\":2}", out var value, out _, out _));
        Assert.Equal("2", value!.Get("a")!.Text);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("{", 1)]
    [InlineData("{\"a\" 1}", 5)]
    [InlineData("{\"a\":01}", 6)]
    [InlineData("[1,]", 3)]
    [InlineData("\"abc", 4)]
    [InlineData("\"a\\x\"", 2)]
    [InlineData("{} x", 3)]
    [InlineData("tru", 0)]
    public void Reports_the_offset_of_the_first_error(string text, int offset)
    {
        Assert.False(JsonParser.TryParse(text, out var value, out var error, out var at));
        Assert.Null(value);
        Assert.NotEmpty(error);
        Assert.Equal(offset, at);
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_crash()
    {
        var text = new string('[', 10000) + new string(']', 10000);
        Assert.False(JsonParser.TryParse(text, out _, out var error, out _));
        Assert.Contains("deeply", error);
    }
}
