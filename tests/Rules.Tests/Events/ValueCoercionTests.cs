using Rules.Runtime;

namespace Rules.Tests.Events;

public class ValueCoercionTests
{
    [Theory]
    [InlineData("2024", "2024-01-01T00:00:00.0000000+00:00")]
    [InlineData("2024-05", "2024-05-01T00:00:00.0000000+00:00")]
    [InlineData("2024-05-01T10", "2024-05-01T10:00:00.0000000+00:00")]
    [InlineData("2024-05-01T10:11", "2024-05-01T10:11:00.0000000+00:00")]
    [InlineData("2024-05-01T10:11:12,5Z", "2024-05-01T10:11:12.5000000+00:00")]
    [InlineData("2024-05-01T10:11:12.123456789-0530", "2024-05-01T10:11:12.1234567-05:30")]
    [InlineData("1714557600000", "2024-05-01T10:00:00.0000000+00:00")]
    [InlineData("-1000", "1969-12-31T23:59:59.0000000+00:00")]
    public void Dates_follow_strict_date_optional_time_then_epoch_millis(string text, string expected)
    {
        Assert.True(ValueCoercion.TryDate(text, out var date));
        Assert.Equal(expected, date.ToString("o"));
    }

    [Theory]
    [InlineData("2024-13-01")]
    [InlineData("2024-02-30")]
    [InlineData("2024-05-01 10:00:00")]
    [InlineData("2024-05-01T25:00")]
    [InlineData("05/01/2024")]
    [InlineData("2024-05-01T10:00:00Zjunk")]
    [InlineData("")]
    public void Malformed_dates_are_rejected(string text) => Assert.False(ValueCoercion.TryDate(text, out _));

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("-7", -7L)]
    [InlineData("7.9", 7L)]
    [InlineData("-7.9", -7L)]
    [InlineData("1e3", 1000L)]
    public void Integers_accept_numeric_strings_and_truncate(string text, long expected)
    {
        Assert.True(ValueCoercion.TryInteger(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1e30")]
    [InlineData("NaN")]
    [InlineData("")]
    public void Integers_reject_non_numbers_and_out_of_range(string text) => Assert.False(ValueCoercion.TryInteger(text, out _));

    [Theory]
    [InlineData("true", true, true)]
    [InlineData("false", true, false)]
    [InlineData("", true, false)]
    [InlineData("True", false, false)]
    [InlineData("1", false, false)]
    public void Booleans_accept_only_what_elasticsearch_accepts(string text, bool ok, bool expected)
    {
        Assert.Equal(ok, ValueCoercion.TryBoolean(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Dates_format_as_iso_8601_keeping_the_offset()
    {
        Assert.Equal("2024-05-01T10:00:00Z", ValueCoercion.FormatDate(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero)));
        Assert.Equal("2024-05-01T10:00:00.5+02:00", ValueCoercion.FormatDate(new DateTimeOffset(2024, 5, 1, 10, 0, 0, 500, TimeSpan.FromHours(2))));
    }
}
