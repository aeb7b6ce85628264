using System.Text;
using Rules.Language.Schema;
using Rules.Runtime;
using Rules.Runtime.Matching;
using Rules.Runtime.Reading;

namespace Rules.Tests.Conformance;

/// <summary>
/// The mapping parameters a user schema carries for the spec suite's indices (docs/rule-files.md, docs/conformance.md):
/// null_value, the version type's ordering, custom date formats; each on its own, then read by the real EventReader.
/// </summary>
public class MappingParameterTests
{
    [Theory]
    [InlineData("1.2.4", "1.11.3", -1)]
    [InlineData("2.1.0", "2.4.1", -1)]
    [InlineData("2.4.1", "2.11.2", -1)]
    [InlineData("1.0.0-alpha", "1.0.0", -1)]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", -1)]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta", -1)]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11", -1)]
    [InlineData("1.0.0-rc.1", "1.0.0", -1)]
    [InlineData("1.2", "1.2.0", -1)]
    [InlineData("1.2.3.4", "1.2.4", -1)]
    [InlineData("1.2.4-SNAPSHOT", "1.5.0", -1)]
    [InlineData("20.10.0", "20.2.0", 1)]
    [InlineData("1.5.0", "1.5.0", 0)]
    [InlineData("1.5.0+build.1", "1.5.0+build.2", -1)]
    [InlineData("99.0.0", "bad", -1)]
    [InlineData("1.2.alpha.4", "1.0.0", 1)]
    [InlineData("bad", "good", -1)]
    public void Versions_order_by_semver_precedence_and_invalid_ones_last(string left, string right, int expected)
    {
        Assert.Equal(expected, Math.Sign(VersionComparison.Compare(left, right)));
        Assert.Equal(-expected, Math.Sign(VersionComparison.Compare(right, left)));
    }

    [Theory]
    [InlineData("1.2.3", true)]
    [InlineData("1", true)]
    [InlineData("1.2.3-rc.1+exp.sha.5114f85", true)]
    [InlineData("1.02.3", false)]
    [InlineData("1.2.alpha.4", false)]
    [InlineData("1..2", false)]
    [InlineData("bad", false)]
    [InlineData("", false)]
    public void Version_validity(string text, bool valid) => Assert.Equal(valid, VersionComparison.IsValid(text));

    [Theory]
    [InlineData("dd-MM-yyyy", "17-12-2022", "2022-12-17T00:00:00Z")]
    [InlineData("yyyy-MM-dd", "2022-12-17", "2022-12-17T00:00:00Z")]
    [InlineData("dd-MM-yyyy||yyyy-MM-dd", "2022-12-17", "2022-12-17T00:00:00Z")]
    [InlineData("yyyy/MM/dd HH:mm:ss.SSS", "2022/12/17 13:14:15.250", "2022-12-17T13:14:15.25Z")]
    [InlineData("uuuu-MM-dd'T'HH:mm", "2022-12-17T13:14", "2022-12-17T13:14:00Z")]
    [InlineData("yyyy-MM-dd||epoch_millis", "1671235200000", "2022-12-17T00:00:00Z")]
    [InlineData("epoch_second", "1671235200", "2022-12-17T00:00:00Z")]
    [InlineData("strict_date_optional_time", "2022-12-17T01:02:03Z", "2022-12-17T01:02:03Z")]
    public void Custom_date_formats_parse(string format, string text, string expected)
    {
        Assert.True(JavaDateFormat.Parse(format).TryParse(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("dd-MM-yyyy", "2022-12-17")]
    [InlineData("dd-MM-yyyy", "32-12-2022")]
    [InlineData("dd-MM-yyyy", "29-02-2023")]
    [InlineData("dd-MM-yyyy", "17-12-2022 ")]
    [InlineData("yyyy-MM-dd", "1671235200000")]
    public void Text_outside_the_format_does_not_parse(string format, string text) =>
        Assert.False(JavaDateFormat.Parse(format).TryParse(text, out _));

    [Theory]
    [InlineData("dd-MMM-yyyy", "'MMM' is not supported")]
    [InlineData("yyyy-MM-dd'T", "not closed")]
    [InlineData("basic_date", "'b' is not supported")]
    [InlineData("", "cannot be empty")]
    public void Unsupported_formats_are_DR8001_at_the_value(string format, string message)
    {
        var text = $"fields:\n  - {{ name: app.day, type: date, format: \"{format}\" }}\n";
        var (fields, diagnostics) = UserSchemaReader.Read("fields.yml", text);
        Assert.Empty(fields);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("DR8001", diagnostic.Id);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.True(diagnostic.Location.Span.Start > text.IndexOf("format:", StringComparison.Ordinal), "located at the format value");
    }

    [Fact]
    public void Schema_entries_carry_null_value_and_format()
    {
        var (fields, diagnostics) = UserSchemaReader.Read(
            "fields.yml",
            "fields:\n  - { name: app.state, type: keyword, null_value: \"NULL\" }\n  - { name: app.count, type: long, null_value: 0 }\n  - { name: app.day, type: date, format: \"dd-MM-yyyy\" }\n");
        Assert.Empty(diagnostics);
        Assert.Equal("\"NULL\"", fields[0].NullValueJson);
        Assert.Equal("0", fields[1].NullValueJson);
        Assert.Equal("dd-MM-yyyy", fields[2].DateFormat);
        Assert.Null(fields[2].NullValueJson);
    }

    [Theory]
    [InlineData("{ name: app.count, type: long, null_value: \"none\" }", "null_value must be a long value")]
    [InlineData("{ name: app.state, type: keyword, format: \"yyyy\" }", "format applies to date and date_nanos fields only")]
    [InlineData("{ name: app.day, type: date, format: 3 }", "format must be a string")]
    public void Parameters_that_do_not_fit_the_type_are_DR8001(string entry, string message)
    {
        var (fields, diagnostics) = UserSchemaReader.Read("fields.yml", $"fields:\n  - {entry}\n");
        Assert.Empty(fields);
        Assert.Contains(diagnostics, d => d.Id == "DR8001" && d.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void The_reader_indexes_an_explicit_null_as_null_value_and_parses_formatted_dates()
    {
        var state = OverflowFieldRegistry.Register("test.mapping.state", OverflowKind.String, "\"NULL\"", null);
        var day = OverflowFieldRegistry.Register("test.mapping.day", OverflowKind.Date, null, "dd-MM-yyyy");
        var ndjson = "{\"test\":{\"mapping\":{\"state\":null,\"day\":\"17-12-2022\"}}}\n"
                     + "{\"test.mapping.state\":[null,\"up\"],\"test.mapping.day\":\"2022-12-17\"}\n"
                     + "{\"test.mapping.state\":\"down\"}\n"
                     + "{}\n";
        var states = new List<string[]>();
        var days = new List<DateTimeOffset[]>();
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(ndjson)), new EventReaderOptions { ReuseEvent = true });
        foreach (var e in reader.ReadEvents())
        {
            states.Add(e.Overflow.GetStrings(state).ToArray());
            days.Add(e.Overflow.GetDates(day).ToArray());
        }

        Assert.Equal(new[] { new[] { "NULL" }, new[] { "NULL", "up" }, new[] { "down" }, Array.Empty<string>() }, states);
        Assert.Equal(new DateTimeOffset(2022, 12, 17, 0, 0, 0, TimeSpan.Zero), Assert.Single(days[0]));

        // Only the format parses the field, as in Elasticsearch: an ISO date in a dd-MM-yyyy field is a bad value.
        Assert.Empty(days[1]);
    }
}
