using System.Text.RegularExpressions;
using Rules.Language.Binding;
using Rules.Language.Text;

namespace Rules.Tests.Eql;

/// <summary>The EQL rules of the corpus, read with a minimal TOML extraction (type = "eql", query = '''...''').</summary>
public static class EqlCorpus
{
    private static readonly Regex TypeLine = new(@"^type\s*=\s*""eql""\s*$", RegexOptions.Multiline);

    // A TOML multi-line literal string: verbatim, a newline right after the opening ''' is dropped.
    private static readonly Regex QueryLiteral = new(@"^query\s*=\s*'''\r?\n?(?<body>.*?)'''", RegexOptions.Multiline | RegexOptions.Singleline);

    public sealed record Rule(string Path, QuerySource Source);

    public static IReadOnlyList<Rule> Load()
    {
        var rules = new List<Rule>();
        foreach (var path in Directory.EnumerateFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            var text = File.ReadAllText(path);
            if (!TypeLine.IsMatch(text))
            {
                continue;
            }

            var match = QueryLiteral.Match(text);
            if (!match.Success)
            {
                throw new InvalidDataException("An EQL rule without a query = '''...''' literal: " + path);
            }

            var body = match.Groups["body"];
            var relative = Path.GetRelativePath(TestPaths.Corpus, path);
            rules.Add(new Rule(relative, new QuerySource(new SourceText(relative, text), body.Value, new StringSourceMap(body.Index))));
        }

        return rules;
    }
}
