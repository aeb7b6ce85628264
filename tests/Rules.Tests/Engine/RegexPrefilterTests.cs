using System.Text;
using System.Text.RegularExpressions;
using Rules.Language.Compilation;
using Rules.Language.Eql;
using Rules.Language.Ir;
using Rules.Language.Optimization;
using Rules.Language.Schema;
using Rules.Tests.Generator;
using Xunit.Abstractions;
using LanguageAtom = Rules.Language.Optimization.PrefilterAtom;
using RuntimeAtom = Rules.Runtime.PrefilterAtom;
using RuntimeField = Rules.Runtime.PrefilterField;

namespace Rules.Tests.Engine;

/// <summary>
/// Prefilter atoms from regexes (Optimization/RegexPrefilter) and from non-ASCII wildcard literals: the selections the
/// corpus rules get, and soundness - every value the generated matcher's regex matches passes one of the atoms.
/// </summary>
public class RegexPrefilterTests(ITestOutputHelper output)
{
    private static readonly BoundField Path = new("file.path", FieldType.Keyword, false, true, false);
    private static readonly RuntimeField RuntimePath = RuntimeField.Single("file.path", static e => e.File?.Path);

    private static string? Prefilter(string query, int conditions = PrefilterSelection.GeneratedConditions)
    {
        var file = CompiledRuleSet.Rule(query, "eql");
        var plan = (EventQueryPlan)RuleCompiler.Compile(file.Path, file.GetText()!.ToString(), FieldCatalog.BuiltIn).Plan!;
        var prefilter = PrefilterSelection.Select(plan, conditions);
        return prefilter is null ? null : string.Join(" & ", prefilter.Conditions.Select(c => string.Join(" | ", c.Atoms.Select(Describe))));
    }

    private static string Describe(LanguageAtom a) => $"{a.Field.Path} {a.Kind} {a.Literal}{(a.Offset > 0 ? "@" + a.Offset : string.Empty)}";

    /// <summary>The atoms of a Lucene regex (translated as the EQL compiler does), described.</summary>
    private static string? Atoms(string lucene, bool ignoreCase)
    {
        var pattern = LuceneRegex.Translate(lucene, out var error) ?? throw new ArgumentException(error);
        var atoms = RegexPrefilter.Atoms(Path, pattern, ignoreCase);
        return atoms is null ? null : string.Join(" | ", atoms.Select(Describe));
    }

    private static Regex Matcher(string pattern, bool ignoreCase) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));

    private static bool Admits(IReadOnlyList<LanguageAtom> atoms, string value) =>
        atoms.Any(a => new RuntimeAtom(RuntimePath, (Rules.Runtime.PrefilterAtomKind)(int)a.Kind, a.Literal, a.Offset).IsMatch(value));

    [Fact]
    public void A_fixed_literal_after_single_characters_is_a_prefix_at_an_offset()
    {
        // Alternate Data Stream Creation/Execution at Volume Root Directory.
        Assert.Equal("file.path Prefix :\\:@1 | process.executable Prefix :\\:@1", Prefilter(
            "any where host.os.type == \"windows\" and event.category in (\"file\", \"process\") and ((event.type == \"creation\" and file.path regex~ \"\"\"[A-Z]:\\\\:.+\"\"\") or (event.type == \"start\" and process.executable regex~ \"\"\"[A-Z]:\\\\:.+\"\"\"))"));
    }

    [Fact]
    public void A_finite_language_is_exact_values_with_the_kelvin_sign_for_k_under_ignore_case()
    {
        // Renamed Utility Executed with Short Program Name: 36 values, and "K.exe" spelled with the Kelvin sign, which
        // regex~ matches and OrdinalIgnoreCase does not equate with K.
        var prefilter = Prefilter("process where host.os.type == \"windows\" and event.type == \"start\" and process.name regex~ \"\"\"[a-z0-9]\\.exe\"\"\" and process.pe.original_file_name != null")!;
        var values = prefilter.Split(" | ").Select(a => a.Replace("process.name Exact ", string.Empty)).ToList();
        Assert.Equal(37, values.Count);
        Assert.Contains("a.exe", values);
        Assert.Contains("9.exe", values);
        Assert.Contains("\u212A.exe", values);
        // Case-sensitive: no Kelvin sign (the regex does not match it), one value per letter.
        Assert.Equal(36, Atoms("[a-z0-9]\\.exe", ignoreCase: false)!.Split(" | ").Length);
        Assert.Equal("file.path Exact ab | file.path Exact abc | file.path Exact abcd | file.path Exact x", Atoms("ab(c|cd)?|x", ignoreCase: false));
        Assert.Equal("file.path Exact a | file.path Exact aa | file.path Exact aaa", Atoms("a{1,3}", ignoreCase: false));
    }

    [Fact]
    public void Alternatives_with_a_common_head_give_one_prefix()
    {
        // Potential Exploitation of an Unquoted Service Path Vulnerability.
        Assert.Equal("process.executable Prefix :\\Program.exe@1 | process.executable Prefix C:\\Program Files", Prefilter(
            "process where host.os.type == \"windows\" and event.type == \"start\" and (process.executable : \"?:\\\\Program.exe\" or process.executable regex \"\"\"(C:\\\\Program Files \\(x86\\)\\\\|C:\\\\Program Files\\\\)\\w+.exe\"\"\")"));
        // Alternatives of one length merge character by character, keeping what follows at its offset.
        Assert.Equal("file.path Prefix :\\temp\\@2", Atoms("(ab|cd):\\\\temp\\\\.*", ignoreCase: false));
        // Alternatives without a common head each give their own atom.
        Assert.Equal("file.path Prefix \\Device\\ | file.path Suffix .tmp", Atoms("\\\\Device\\\\.*|.*\\.tmp", ignoreCase: false));
    }

    [Fact]
    public void Whitespace_classes_and_long_classes_are_unknown_characters()
    {
        // Masquerading Space After Filename: \s is six characters (Lucene's ASCII whitespace), the path class many:
        // only the leading '/' is certain.
        Assert.Equal("file.path Prefix /", Atoms("/[a-z0-9\\s_\\-\\\\./]+\\s", ignoreCase: true));
        Assert.Equal("process.executable Prefix /", Prefilter(
            "process where host.os.type:(\"linux\",\"macos\") and event.type == \"start\" and process.executable regex~ \"\"\"/[a-z0-9\\s_\\-\\\\./]+\\s\"\"\""));
    }

    [Fact]
    public void Non_ASCII_wildcard_literals_are_contained_literals()
    {
        // File with Right-to-Left Override Character (RTLO) Created/Executed.
        Assert.Equal("file.path Contains \u202E | process.name Contains \u202E", Prefilter(
            "any where host.os.type == \"windows\" and event.category in (\"file\", \"process\") and ((event.type == \"creation\" and file.path : \"*\\u{202E}*\") or (event.type == \"start\" and process.name : \"*\\u{202E}*\"))"));
        Assert.Equal("process.name Exact caf\u00E9.exe", Prefilter("process where process.name : \"caf\u00E9.exe\""));
        // A surrogate pair's case mapping is the pair's: its units are unknown characters.
        Assert.Equal("process.name Suffix .exe", Prefilter("process where process.name : \"\U00010400*.exe\""));
    }

    [Fact]
    public void Edge_cases_widen_or_give_nothing_but_never_guess()
    {
        // Empty alternatives, optional groups and '.': what every value must hold.
        Assert.Equal("file.path Exact abc | file.path Exact ", Atoms("(abc|)", ignoreCase: false));
        Assert.Equal("file.path Suffix .exe", Atoms("(abc)?.*\\.exe", ignoreCase: false));
        Assert.Equal("file.path Prefix ab@1", Atoms(".ab.*", ignoreCase: false));
        // Under ignore-case a non-ASCII letter is unknown (the runtime's case tables decide what it equates); under
        // case-sensitive matching it is itself.
        Assert.Equal("file.path Prefix \\.exe@2", Atoms("\u00E9\u00C9\\\\\\.exe.*", ignoreCase: true));
        Assert.Equal("file.path Prefix \u00E9\u00C9\\.exe", Atoms("\u00E9\u00C9\\\\\\.exe.*", ignoreCase: false));
        // A surrogate pair is two unknown characters, as in wildcards.
        Assert.Equal("file.path Prefix .exe@2", Atoms("\U00010400\\.exe", ignoreCase: false));
        // k under ignore-case is two characters to the fold (K and the Kelvin sign): an unknown one.
        Assert.Equal("file.path Prefix ernel32@1", Atoms("kernel32.*", ignoreCase: true));
        Assert.Equal("file.path Prefix kernel32", Atoms("kernel32.*", ignoreCase: false));
        // Lucene's '^' and '$' are literal characters (the translator escapes them).
        Assert.Equal("file.path Exact ^a$", Atoms("^a$", ignoreCase: false));
        // Nothing certain, or a pattern that matches nothing: no atoms (the caller requires a value).
        Assert.Null(Atoms(".*", ignoreCase: false));
        Assert.Null(Atoms("[a-z]+", ignoreCase: false));
        Assert.Null(Atoms("#", ignoreCase: false));
        // Not the translator's form: not read.
        Assert.Null(RegexPrefilter.Atoms(Path, "abc", ignoreCase: false));
        Assert.Null(RegexPrefilter.Atoms(Path, @"\A(?:a\d)\z", ignoreCase: false));
        Assert.Null(RegexPrefilter.Atoms(Path, @"\A(?:(a)b)\z", ignoreCase: false));
        Assert.Null(RegexPrefilter.Atoms(Path, @"\A(?:a(?=b))\z", ignoreCase: false));
    }

    [Fact]
    public void Compiled_rules_are_admitted_by_the_engine_exactly_where_they_match()
    {
        var set = CompiledRuleSet.Compile(
            CompiledRuleSet.Rule("any where event.category in (\"file\", \"process\") and (file.path : \"*\\u{202E}*\" or process.name : \"*\\u{202E}*\")", name: "RTLO"),
            CompiledRuleSet.Rule("process where process.name regex~ \"\"\"[a-z0-9]\\.exe\"\"\"", name: "Short"),
            CompiledRuleSet.Rule("any where file.path regex~ \"\"\"[A-Z]:\\\\:.+\"\"\"", name: "Root ADS"));
        var rules = set.Rules.Cast<Rules.Runtime.EventRule>().ToArray();
        Assert.All(rules, r => Assert.DoesNotContain(r.Prefilter!.Atoms, a => a.Kind == Rules.Runtime.PrefilterAtomKind.Exists));
        var engine = new Rules.Runtime.RuleEngine(rules);
        var ndjson = string.Join("\n", new[]
        {
            "C:\\\\Users\\\\a\\\\invoice\u202Efdp.exe", "c:\\\\users\\\\a\\\\invoice.pdf", "C:\\\\:stream", "d:\\\\:x", "C:\\\\x:\\\\:y",
        }.Select(path => "{\"event\":{\"category\":[\"file\"]},\"file\":{\"path\":\"" + path + "\"}}")
            .Concat(new[] { "a.exe", "K.EXE", "\u212A.exe", "\u202E.exe", "ab.exe", "_.exe", "\u00E9.exe" }
                .Select(name => "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"" + name + "\"}}")));
        using var reader = new Rules.Runtime.Reading.EventReader(new MemoryStream(Encoding.UTF8.GetBytes(ndjson)), new Rules.Runtime.Reading.EventReaderOptions { ReuseEvent = false });
        var matches = new List<Rules.Runtime.EventRule>();
        var matched = new List<string>();
        foreach (var e in reader.ReadEvents())
        {
            matches.Clear();
            engine.Match(e, matches);
            Assert.Equal(rules.Where(r => r.Matches(e)).Select(r => r.Metadata.Name), matches.Select(r => r.Metadata.Name));
            matched.AddRange(matches.Select(r => r.Metadata.Name + ": " + (e.File?.Path ?? e.Process?.Name)));
        }

        Assert.Equal(new[]
        {
            "RTLO: C:\\Users\\a\\invoice\u202Efdp.exe", "Root ADS: C:\\:stream", "Root ADS: d:\\:x",
            "Short: a.exe", "Short: K.EXE", "Short: \u212A.exe", "RTLO: \u202E.exe",
        }, matched);
    }

    [Fact]
    public void Ignore_case_equivalences_of_ASCII_characters_are_the_other_case_and_the_kelvin_sign()
    {
        // For every ASCII character: the one-character regex~ pattern's atoms admit every UTF-16 unit the regex matches.
        var value = new string[char.MaxValue + 1];
        for (var v = 0; v <= char.MaxValue; v++)
        {
            value[v] = ((char)v).ToString();
        }

        for (var c = (char)0; c < 0x80; c++)
        {
            var pattern = @"\A(?:" + (char.IsAsciiLetterOrDigit(c) ? c.ToString() : @"\u" + ((int)c).ToString("X4")) + @")\z";
            var atoms = RegexPrefilter.Atoms(Path, pattern, ignoreCase: true);
            if (c is PrefilterSelection.AnyOne or PrefilterSelection.AnyRun)
            {
                // The token alphabet's own characters are never literals.
                Assert.Null(atoms);
                continue;
            }

            Assert.NotNull(atoms);
            var regex = Matcher(pattern, ignoreCase: true);
            var matched = 0;
            for (var v = 0; v <= char.MaxValue; v++)
            {
                if (regex.IsMatch(value[v]))
                {
                    matched++;
                    Assert.True(Admits(atoms, value[v]), $"'{c}' regex~ matches U+{v:X4}; atoms {string.Join(", ", atoms.Select(Describe))}");
                }
            }

            Assert.Equal(c is 'k' or 'K' ? 3 : char.IsAsciiLetter(c) ? 2 : 1, matched);
        }
    }

    [Fact]
    public void Case_fold_equates_everything_OrdinalIgnoreCase_equates_with_any_character_but_a_surrogate()
    {
        // OrdinalIgnoreCase-equal strings have equal OrdinalIgnoreCase hash codes: comparing within hash groups finds
        // every equal pair. Literal characters other than surrogates are kept in atoms (PrefilterSelection.Tokens).
        var groups = Enumerable.Range(0, char.MaxValue + 1).Select(v => (char)v).Where(v => !char.IsSurrogate(v))
            .GroupBy(v => v.ToString().GetHashCode(StringComparison.OrdinalIgnoreCase));
        var pairs = 0;
        foreach (var group in groups)
        {
            foreach (var a in group)
            {
                foreach (var b in group)
                {
                    if (a != b && string.Equals(a.ToString(), b.ToString(), StringComparison.OrdinalIgnoreCase))
                    {
                        pairs++;
                        Assert.True(Rules.Runtime.CaseFolding.Fold(a) == Rules.Runtime.CaseFolding.Fold(b), $"U+{(int)a:X4} and U+{(int)b:X4}: OrdinalIgnoreCase equal, fold not");
                    }
                }
            }
        }

        Assert.True(pairs > 2000, $"{pairs} pairs");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Index_marks_exactly_the_rules_the_reference_admits_for_non_ASCII_literals(int seed)
    {
        var random = new Random(seed);
        // The RTLO, accented letters in both cases, characters that fold onto ASCII or not ('ſ', 'ı', Kelvin), 'ß'.
        const string alphabet = "aAsSkK\\.\u202E\u00E9\u00C9\u017F\u0131\u212A\u00DF\u0130";
        string Text(int min, int max) => new(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        var field = Rules.Runtime.PrefilterField.Single("test.field", static e => e.Process?.Name);
        for (var round = 0; round < 20; round++)
        {
            var atoms = new List<(RuntimeAtom Atom, int Rule)>();
            var rules = random.Next(1, 100);
            for (var rule = 0; rule < rules; rule++)
            {
                var atom = random.Next(4) switch
                {
                    0 => field.Exact(Text(0, 3)),
                    1 => field.Prefix(Text(1, 3), offset: random.Next(3)),
                    2 => field.Suffix(Text(1, 3)),
                    _ => field.Contains(Text(1, 3)),
                };
                atoms.Add((atom, rule));
            }

            var index = Rules.Runtime.FieldPrefilterIndex.Build(atoms);
            for (var v = 0; v < 300; v++)
            {
                var value = Text(0, 8);
                if (random.Next(3) == 0)
                {
                    value = new string(value.Select(c => c < 0x80 ? c : 'x').ToArray());
                }

                var marked = new ulong[(rules + 63) / 64];
                index.Probe(value, marked);
                for (var rule = 0; rule < rules; rule++)
                {
                    var expected = atoms[rule].Atom.IsMatch(value);
                    var isMarked = (marked[rule >> 6] & (1UL << (rule & 63))) != 0;
                    Assert.True(expected == isMarked, $"seed {seed}, value \"{value}\", atom {atoms[rule].Atom}: reference {expected}, index {isMarked}");
                }
            }
        }
    }

    // ---- Soundness over many patterns ---------------------------------------------------------------------------------

    private static readonly string[] HandPatterns =
    {
        "[A-Z]:\\\\:.+", "[a-z0-9]\\.exe", "(C:\\\\Program Files \\(x86\\)\\\\|C:\\\\Program Files\\\\)\\w+.exe", "/[a-z0-9\\s_\\-\\\\./]+\\s",
        "(abc|)", "(abc)?.*\\.exe", ".ab.*", "kernel32.*", "\u00E9t\u00E9\\\\\\.exe.*", "\u00E9t\u00E9\\\\.exe.*", "a{2,4}b{3}", "x(ab|cd){2}y", "(a|b|c|d)(e|f|g|h)(i|j|k|l)z",
        "[^a-z]bc[0-9]{1,2}", "<1-12>", "\"quoted.text\"k", "(KsK|ks)+end", ".{3}kelvin.{0,2}", "@\\.dll", "(a|b)*c(d|e)*", "[kK][iI]", "\\\\\\\\.*",
        "(x|y){20}z", "(ab|cd):\\\\temp\\\\.*", "(a|bc)[xy]z", "\U00010400\\.exe", "\u00E9?x[\u00E0-\u00E5]y", "[a-zA-Z]{2}:\\\\windows\\\\.*", "((a|b)(c|d)(e|f)(g|h)(i|j))+", "[\\s]+", "[-a]z", "[]a]x",
    };

    [Fact]
    public void Every_value_a_hand_written_regex_matches_passes_its_atoms()
    {
        var derived = 0;
        foreach (var lucene in HandPatterns)
        {
            var pattern = LuceneRegex.Translate(lucene, out var error) ?? throw new ArgumentException(lucene + ": " + error);
            foreach (var ignoreCase in new[] { false, true })
            {
                derived += CheckSound(pattern, ignoreCase, seed: lucene.Length) ? 1 : 0;
            }
        }

        Assert.True(derived > HandPatterns.Length, $"atoms for {derived} of {2 * HandPatterns.Length}");
    }

    [Fact]
    public void Every_value_a_random_regex_matches_passes_its_atoms()
    {
        // Random Lucene patterns over the operators, classes and characters the analysis distinguishes (k and the
        // Kelvin sign, letters in both cases, a non-ASCII letter, the RTLO); each translated one must be read.
        string[] pieces = { "a", "B", "k", "K", "x", "\\.", ".", "\\\\", ":", "\u00E9", "\u202E", "\\s", "\\d", "\\w", "[a-c]", "[kK0-9]", "[^a]", "@", "#", "<1-12>", "\"q.\"" };
        string[] operators = { "*", "+", "?", "{2}", "{1,3}", "{2,}" };
        var random = new Random(6);
        string Pattern(int depth)
        {
            var builder = new StringBuilder();
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                builder.Append(depth > 0 && random.Next(4) == 0
                    ? "(" + Pattern(depth - 1) + (random.Next(2) == 0 ? "|" + Pattern(depth - 1) : string.Empty) + ")"
                    : pieces[random.Next(pieces.Length)]);
                if (random.Next(3) == 0)
                {
                    builder.Append(operators[random.Next(operators.Length)]);
                }
            }

            return builder.ToString();
        }

        var derived = 0;
        for (var i = 0; i < 400; i++)
        {
            var lucene = Pattern(2);
            var pattern = LuceneRegex.Translate(lucene, out _);
            if (pattern is not null)
            {
                derived += CheckSound(pattern, random.Next(2) == 0, seed: i) ? 1 : 0;
            }
        }

        Assert.True(derived > 100, $"atoms for {derived} of 400 random regexes");
    }

    [Fact]
    public void Patterns_not_of_the_translators_form_give_no_atoms_and_never_throw()
    {
        var random = new Random(7);
        const string alphabet = "\\AZz()?:|[]^-{},0123456789*+.$#sSuxab\u212A";
        for (var i = 0; i < 5000; i++)
        {
            var body = new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            foreach (var pattern in new[] { body, @"\A(?:" + body + @")\z" })
            {
                var atoms = RegexPrefilter.Atoms(Path, pattern, random.Next(2) == 0);
                if (atoms is not null)
                {
                    // Read: it must be a valid .NET pattern, and its atoms sound on samples.
                    CheckSound(pattern, ignoreCase: false, seed: i);
                }
            }
        }
    }

    [Fact]
    public void Every_value_a_corpus_regex_matches_passes_its_atoms()
    {
        var patterns = new HashSet<(string Pattern, bool IgnoreCase)>();
        foreach (var path in Directory.EnumerateFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories))
        {
            var plan = RuleCompiler.Compile(path, File.ReadAllText(path), FieldCatalog.BuiltIn).Plan;
            foreach (var condition in Conditions(plan))
            {
                foreach (var match in Regexes(condition))
                {
                    foreach (var pattern in match.Patterns)
                    {
                        patterns.Add((pattern, match.CaseInsensitive));
                    }
                }
            }
        }

        Assert.True(patterns.Count >= 20, $"{patterns.Count} corpus regexes");
        var derived = 0;
        foreach (var (pattern, ignoreCase) in patterns)
        {
            // Each under its own case and the other one.
            if (CheckSound(pattern, ignoreCase, seed: pattern.Length))
            {
                derived++;
            }
            else
            {
                output.WriteLine("no atoms: " + (ignoreCase ? "regex~ " : "regex ") + pattern);
            }

            CheckSound(pattern, !ignoreCase, seed: pattern.Length + 1);
        }

        output.WriteLine($"atoms for {derived} of {patterns.Count} corpus regexes (each under its own case)");
        Assert.True(derived >= patterns.Count / 2, $"atoms for {derived} of {patterns.Count} corpus regexes");
    }

    private static IEnumerable<BoolExpr> Conditions(QueryPlan? plan) => plan switch
    {
        EventQueryPlan single => new[] { single.Condition },
        SequencePlan sequence => sequence.Stages.Select(s => s.Condition).Concat(sequence.Until is { } until ? new[] { until.Condition } : Array.Empty<BoolExpr>()),
        SamplePlan sample => sample.Stages.Select(s => s.Condition),
        PipedPlan piped => Conditions(piped.Query),
        _ => Array.Empty<BoolExpr>(),
    };

    private static IEnumerable<StringMatchExpr> Regexes(BoolExpr expr) => expr switch
    {
        StringMatchExpr { Kind: StringMatchKind.Regex } match => new[] { match },
        AndExpr and => and.Operands.SelectMany(Regexes),
        OrExpr or => or.Operands.SelectMany(Regexes),
        NotExpr not => Regexes(not.Operand),
        NestedExpr nested => Regexes(nested.Condition),
        _ => Array.Empty<StringMatchExpr>(),
    };

    /// <summary>Samples values from the parsed pattern (each must match the real regex: the parse is checked too)
    /// and mutates them (case, the Kelvin sign, inserted, dropped and replaced characters); every value the real
    /// regex matches must pass the atoms. True when the pattern gave atoms.</summary>
    private static bool CheckSound(string pattern, bool ignoreCase, int seed)
    {
        var atoms = RegexPrefilter.Atoms(Path, pattern, ignoreCase);
        var node = RegexPrefilter.Parse(pattern);
        Assert.True(node is not null, "the translator's output is read: " + pattern);
        if (atoms is null)
        {
            return false;
        }

        var regex = Matcher(pattern, ignoreCase);
        // The parse is checked against the case-sensitive regex: under ignore-case a negated class also excludes the
        // other case of its members ([^a-z] does not match 'W'), which the analysis treats as an unknown character.
        var exactly = Matcher(pattern, ignoreCase: false);
        var random = new Random(seed);
        const string pool = "aAkK\u212A\u017F\u0131\u00E9\u00C9 \t\\/.:_-0\u202E";
        var sampled = 0;
        for (var round = 0; round < 400; round++)
        {
            var builder = new StringBuilder();
            if (!Sample(node!, random, builder))
            {
                continue;
            }

            var value = builder.ToString();
            Assert.True(exactly.IsMatch(value), $"a value sampled from the parse of {pattern} must match it: \"{value}\"");
            sampled++;
            foreach (var candidate in new[] { value }.Concat(Mutations(value, random)))
            {
                if (regex.IsMatch(candidate))
                {
                    Assert.True(Admits(atoms, candidate),
                        $"{(ignoreCase ? "regex~" : "regex")} {pattern} matches \"{candidate}\" but no atom admits it: {string.Join(", ", atoms.Select(Describe))}");
                }
            }
        }

        Assert.True(sampled > 0, "no sample of " + pattern);
        return true;

        IEnumerable<string> Mutations(string value, Random r)
        {
            yield return value.ToUpperInvariant();
            yield return value.ToLowerInvariant();
            yield return value.Replace('k', '\u212A').Replace('K', '\u212A');
            yield return new string(value.Select(c => r.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray());
            for (var m = 0; m < 4 && value.Length > 0; m++)
            {
                var at = r.Next(value.Length);
                yield return value.Remove(at, 1);
                yield return value.Insert(at, pool[r.Next(pool.Length)].ToString());
                yield return value.Remove(at, 1).Insert(at, pool[r.Next(pool.Length)].ToString());
            }
        }
    }

    private static bool Sample(RegexPrefilter.Node node, Random random, StringBuilder builder)
    {
        switch (node)
        {
            case RegexPrefilter.CharsNode chars:
                if (chars.Count == 0)
                {
                    return false;
                }

                // Mostly printable ASCII members when there are some (a class of everything is mostly tested on text).
                var printable = chars.Ranges.Where(r => r.High >= 0x20 && r.Low < 0x7F).Select(r => ((char)Math.Max(r.Low, (char)0x20), (char)Math.Min(r.High, (char)0x7E))).ToList();
                var ranges = printable.Count > 0 && random.Next(4) > 0 ? printable : chars.Ranges;
                var (low, high) = ranges[random.Next(ranges.Count)];
                builder.Append((char)random.Next(low, high + 1));
                return true;
            case RegexPrefilter.ConcatNode concat:
                return concat.Parts.All(p => Sample(p, random, builder));
            case RegexPrefilter.AltNode alt:
                return Sample(alt.Options[random.Next(alt.Options.Count)], random, builder);
            case RegexPrefilter.RepeatNode repeat:
                var count = random.Next(repeat.Min, (repeat.Max < 0 ? repeat.Min + 4 : Math.Min(repeat.Max, repeat.Min + 6)) + 1);
                for (var i = 0; i < count; i++)
                {
                    if (!Sample(repeat.Body, random, builder))
                    {
                        return false;
                    }
                }

                return true;
            default:
                throw new InvalidOperationException(node.GetType().Name);
        }
    }
}
