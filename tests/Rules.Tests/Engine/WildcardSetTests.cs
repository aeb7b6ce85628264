using Rules.Runtime.Matching;

namespace Rules.Tests.Engine;

/// <summary>
/// <see cref="WildcardSet"/> (tries on heads and tails, a frozen set, a literal prefilter) against the plain any-of
/// over <see cref="WildcardPattern"/>s it must agree with, on chosen and random lists and values.
/// </summary>
public class WildcardSetTests
{
    private static bool Reference(string[] patterns, string value, bool ignoreCase) =>
        patterns.Any(p => new WildcardPattern(p, ignoreCase).IsMatch(value));

    private static readonly string[] UnusualDirectories =
    {
        "?:\\PerfLogs\\*.exe", "?:\\Users\\Public\\*.exe", "?:\\Windows\\Tasks\\*.exe", "?:\\Intel\\*.exe",
        "?:\\AMD\\Temp\\*.exe", "?:\\Windows\\AppReadiness\\*.exe", "?:\\Windows\\ServiceState\\*.exe",
        "C:\\Windows\\System32\\cmd.exe", "*\\Windows\\Temp\\*", "*\\mshta.exe", "*\\Microsoft\\*\\svchost.exe",
        "*\u00e9t\u00e9*", "*", "a?c", "abc",
    };

    [Theory]
    [InlineData("C:\\PerfLogs\\x.exe", true)]
    [InlineData("c:\\perflogs\\X.EXE", true)]
    [InlineData("CD:\\PerfLogs\\x.exe", true)] // "*" is in the list
    [InlineData("d:\\windows\\temp\\a\\b", true)]
    [InlineData("x\\MSHTA.EXE", true)]
    [InlineData("x\\Microsoft\\y\\svchost.exe", true)]
    [InlineData("c:\\windows\\system32\\CMD.EXE", true)]
    [InlineData("AbC", true)]
    [InlineData("", true)]
    public void Matches_chosen_values(string value, bool expected)
    {
        var set = new WildcardSet(ignoreCase: true, UnusualDirectories);
        Assert.Equal(expected, set.IsMatch(value));
        Assert.Equal(expected, Reference(UnusualDirectories, value, ignoreCase: true));
    }

    [Theory]
    [InlineData("C:\\PerfLogs\\x.exe", true, true)]
    [InlineData("C:\\PERFLOGS\\x.exe", true, true)]
    [InlineData("C:\\PERFLOGS\\x.exe", false, false)]
    [InlineData("C:\\PerfLogs\\x.exe", false, true)]
    [InlineData("C:\\PerfLogs\\x.dll", true, false)]
    [InlineData("x\\WINDOWS\\temp\\y", true, true)]
    [InlineData("x\\WINDOWS\\temp\\y", false, false)]
    [InlineData("\u00c9T\u00c9 report", true, true)]
    [InlineData("\u00c9T\u00c9 report", false, false)]
    [InlineData("C:\\PerfLogs\\\u212Ax.exe", true, true)]
    [InlineData("c:\\\u212Atemp\\a.exe", true, false)] // Kelvin sign: no ASCII letter equals it under ordinal ignore-case
    [InlineData(null, true, false)]
    public void Matches_without_the_catch_all(string? value, bool ignoreCase, bool expected)
    {
        var patterns = UnusualDirectories.Where(p => p != "*").Append("?:\\ktemp\\*").ToArray();
        Assert.Equal(expected, new WildcardSet(ignoreCase, patterns).IsMatch(value));
        if (value is not null)
        {
            Assert.Equal(expected, Reference(patterns, value, ignoreCase));
        }
    }

    [Fact]
    public void Empty_set_matches_nothing()
    {
        Assert.False(new WildcardSet(ignoreCase: true).IsMatch("x"));
        Assert.False(new WildcardSet(ignoreCase: false).IsMatch(string.Empty));
    }

    [Fact]
    public void Agrees_with_each_pattern_in_turn_on_random_lists()
    {
        var random = new Random(11);

        // Case variants, backslashes, wildcards, and characters that case-fold near ASCII: Kelvin sign, long s,
        // dotless i, dotted capital I, a non-ASCII pair (é/É) and a surrogate pair half.
        const string patternAlphabet = "abAB\\:.*?*?ks\u212A\u017F\u0131\u0130\u00e9\u00c9";
        const string valueAlphabet = "abAB\\:.ksKS\u212A\u017F\u0131\u0130iI\u00e9\u00c9\ud83d";
        for (var i = 0; i < 4_000; i++)
        {
            var patterns = Enumerable.Range(0, random.Next(0, 12))
                .Select(_ => RandomText(random, patternAlphabet, random.Next(0, 8)))
                .ToArray();
            var ignoreCase = random.Next(2) == 0;
            var set = new WildcardSet(ignoreCase, patterns);
            for (var j = 0; j < 25; j++)
            {
                // Half the values are built from a pattern, so that matches are common, not only misses.
                var value = random.Next(2) == 0 && patterns.Length > 0
                    ? Instantiate(random, patterns[random.Next(patterns.Length)], valueAlphabet)
                    : RandomText(random, valueAlphabet, random.Next(0, 10));
                Assert.True(
                    Reference(patterns, value, ignoreCase) == set.IsMatch(value),
                    $"patterns [{string.Join(", ", patterns)}] value '{value}' ignoreCase {ignoreCase}");
            }
        }
    }

    [Fact]
    public void Agrees_with_each_pattern_in_turn_on_long_shared_prefixes()
    {
        // Registry-like globs built from a few path segments: long shared heads and tails, so the tries fold long
        // single-child chains into runs, which values then agree with, or leave, at any character.
        var random = new Random(31);
        string[] segments = { "HKLM\\", "Software\\", "Microsoft\\", "Windows\\", "Run", "RunOnce", "\\", "*", "?", "K\u212A", "\u00e9" };
        const string valueAlphabet = "HKLMSoftwarRunce\\kK\u212A\u017F\u00e9";
        for (var i = 0; i < 3_000; i++)
        {
            var patterns = Enumerable.Range(0, random.Next(1, 10))
                .Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 7)).Select(_ => segments[random.Next(segments.Length)])))
                .ToArray();
            var ignoreCase = random.Next(3) != 0;
            var set = new WildcardSet(ignoreCase, patterns);
            for (var j = 0; j < 20; j++)
            {
                var value = random.Next(4) == 0
                    ? RandomText(random, valueAlphabet, random.Next(0, 30))
                    : Instantiate(random, patterns[random.Next(patterns.Length)], valueAlphabet);
                if (random.Next(3) == 0 && value.Length > 0)
                {
                    // One character changed: a value that leaves a run part-way.
                    var chars = value.ToCharArray();
                    chars[random.Next(chars.Length)] = valueAlphabet[random.Next(valueAlphabet.Length)];
                    value = new string(chars);
                }

                Assert.True(
                    Reference(patterns, value, ignoreCase) == set.IsMatch(value),
                    $"patterns [{string.Join(", ", patterns)}] value '{value}' ignoreCase {ignoreCase}");
            }
        }
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var set = new WildcardSet(ignoreCase: true, UnusualDirectories.Where(p => p != "*").ToArray());
        string[] values = { "C:\\PerfLogs\\x.exe", "c:\\windows\\system32\\cmd.exe", "nothing", "x\\Microsoft\\y\\svchost.exe" };
        foreach (var value in values)
        {
            set.IsMatch(value);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            foreach (var value in values)
            {
                set.IsMatch(value);
            }
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static string RandomText(Random random, string alphabet, int length) =>
        new(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());

    // A value the pattern likely matches: '*' becomes a short random run, '?' one character, and each literal
    // character sometimes changes case.
    private static string Instantiate(Random random, string pattern, string alphabet)
    {
        var chars = new List<char>();
        foreach (var c in pattern)
        {
            switch (c)
            {
                case '*':
                    chars.AddRange(RandomText(random, alphabet, random.Next(0, 3)));
                    break;
                case '?':
                    chars.Add(alphabet[random.Next(alphabet.Length)]);
                    break;
                default:
                    chars.Add(random.Next(3) == 0 ? (char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c);
                    break;
            }
        }

        return new string(chars.ToArray());
    }
}
