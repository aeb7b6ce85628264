using Rules.Runtime.Matching;

namespace Rules.Tests.Runtime;

/// <summary>
/// <see cref="AsciiCase"/> against <c>string.Equals(..., OrdinalIgnoreCase)</c>, which it replaces for ASCII literals,
/// and the fact its exactness rests on: no non-ASCII character equals an ASCII one under ordinal ignore-case.
/// </summary>
public class AsciiCaseTests
{
    [Fact]
    public void No_non_ascii_character_equals_an_ascii_one_ignoring_case()
    {
        for (var c = 0x80; c <= 0xFFFF; c++)
        {
            var text = ((char)c).ToString();
            for (var a = 0; a < 0x80; a++)
            {
                Assert.False(string.Equals(text, ((char)a).ToString(), StringComparison.OrdinalIgnoreCase), $"U+{c:X4} equals U+{a:X4}");
            }
        }
    }

    [Theory]
    [InlineData("WmiPrvSE.exe", "WmiPrvSe.exe", true)]
    [InlineData("wmiprvse.exe", "WMIPRVSE.EXE", true)]
    [InlineData("WmiPrvSE.exf", "WmiPrvSe.exe", false)]
    [InlineData("exe", "EXE", true)]
    [InlineData("ex", "exe", false)]
    [InlineData("@", "`", false)]
    [InlineData("[", "{", false)]
    [InlineData("\u212A", "k", false)] // Kelvin sign
    [InlineData("\u017F", "s", false)] // long s
    [InlineData("\u0131", "i", false)] // dotless i
    [InlineData("", "", true)]
    [InlineData(null, "a", false)]
    public void Equals_ignoring_case_as_the_framework_does(string? value, string literal, bool expected)
    {
        Assert.Equal(expected, AsciiCase.EqualsIgnoreCase(value, literal));
        Assert.Equal(expected, string.Equals(value, literal, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Agrees_with_ordinal_ignore_case_on_random_strings()
    {
        var random = new Random(17);
        const string literalAlphabet = "aAzZ09@[`{_\\.:-";
        const string valueAlphabet = "aAzZ09@[`{_\\.:-\u212A\u017F\u0131\u0130\u00e9\u00c9\ud83d";
        for (var i = 0; i < 200_000; i++)
        {
            var literal = new string(Enumerable.Range(0, random.Next(0, 20)).Select(_ => literalAlphabet[random.Next(literalAlphabet.Length)]).ToArray());
            var value = random.Next(3) == 0
                ? new string(Enumerable.Range(0, random.Next(0, 20)).Select(_ => valueAlphabet[random.Next(valueAlphabet.Length)]).ToArray())
                : new string(literal.Select(c => random.Next(4) switch
                {
                    0 => char.ToUpperInvariant(c),
                    1 => char.ToLowerInvariant(c),
                    2 => valueAlphabet[random.Next(valueAlphabet.Length)],
                    _ => c,
                }).ToArray());
            Assert.True(
                string.Equals(value, literal, StringComparison.OrdinalIgnoreCase) == AsciiCase.EqualsIgnoreCase(value, literal),
                $"value '{value}' literal '{literal}'");
        }
    }
}
