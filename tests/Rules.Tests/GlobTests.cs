using Rules.Language.Schema;

namespace Rules.Tests;

public class GlobTests
{
    [Theory]
    [InlineData("C:\\Users\\*.dll", "C:\\Users\\bob\\evil.dll", false, true)]
    [InlineData("C:\\Users\\*.dll", "c:\\users\\bob\\evil.DLL", true, true)]
    [InlineData("C:\\Users\\*.dll", "c:\\users\\bob\\evil.DLL", false, false)]
    [InlineData("a*b*c", "aXXbYYc", false, true)]
    [InlineData("a*b*c", "aXXbYY", false, false)]
    [InlineData("a?c", "abc", false, true)]
    [InlineData("*", "", false, true)]
    public void Matches_like_a_glob(string pattern, string value, bool ignoreCase, bool expected) =>
        Assert.Equal(expected, Glob.IsMatch(pattern, value, ignoreCase));
}
