using System.Text;
using System.Text.RegularExpressions;

namespace Rules.Tests.Kql;

/// <summary>
/// Reads what the KQL corpus tests need from a rule TOML file with a minimal extraction (rule type, language and
/// query, with TOML string escapes undone), until the TOML reader from another branch is merged.
/// </summary>
public static class KqlCorpus
{
    public sealed record CorpusRule(string Path, string Type, string Language, string Query);

    private static readonly Regex TypeLine = new("^type = \"([^\"]*)\"", RegexOptions.Multiline);
    private static readonly Regex LanguageLine = new("^language = \"([^\"]*)\"", RegexOptions.Multiline);
    private static readonly Regex QueryStart = new("^query = ('''|\"\"\"|\"|')", RegexOptions.Multiline);

    public static IReadOnlyList<CorpusRule> Load()
    {
        var rules = new List<CorpusRule>();
        foreach (var path in Directory.EnumerateFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            var text = File.ReadAllText(path);
            var ruleTable = Regex.Match(text, "^\\[rule\\]", RegexOptions.Multiline);
            var from = ruleTable.Success ? ruleTable.Index : 0;
            var type = TypeLine.Match(text, from);
            var language = LanguageLine.Match(text, from);
            var query = QueryStart.Match(text, from);
            rules.Add(new CorpusRule(
                Path.GetRelativePath(TestPaths.Corpus, path),
                type.Success ? type.Groups[1].Value : "",
                language.Success ? language.Groups[1].Value : "",
                query.Success ? ReadString(text, query.Index + "query = ".Length) : ""));
        }

        return rules;
    }

    /// <summary>The KQL rules the task counts: query, new_terms and threshold rules (721 in the pinned corpus).</summary>
    public static IReadOnlyList<CorpusRule> KqlRules() =>
        Load().Where(r => r.Type is "query" or "new_terms" or "threshold").ToList();

    private static string ReadString(string text, int start)
    {
        if (text.AsSpan(start).StartsWith("'''"))
        {
            var from = start + 3;
            if (from < text.Length && text[from] == '\n')
            {
                from++;
            }

            var end = text.IndexOf("'''", from, StringComparison.Ordinal);
            return text.Substring(from, end - from);
        }

        if (text.AsSpan(start).StartsWith("\"\"\""))
        {
            var from = start + 3;
            if (from < text.Length && text[from] == '\n')
            {
                from++;
            }

            return Unescape(text, from, "\"\"\"");
        }

        if (text[start] == '\'')
        {
            var end = text.IndexOf('\'', start + 1);
            return text.Substring(start + 1, end - start - 1);
        }

        return Unescape(text, start + 1, "\"");
    }

    private static string Unescape(string text, int from, string terminator)
    {
        var builder = new StringBuilder();
        var i = from;
        while (!text.AsSpan(i).StartsWith(terminator))
        {
            var c = text[i];
            if (c != '\\')
            {
                builder.Append(c);
                i++;
                continue;
            }

            var next = text[i + 1];
            switch (next)
            {
                case 'n': builder.Append('\n'); i += 2; break;
                case 't': builder.Append('\t'); i += 2; break;
                case 'r': builder.Append('\r'); i += 2; break;
                case '"': builder.Append('"'); i += 2; break;
                case '\\': builder.Append('\\'); i += 2; break;
                case 'u':
                    builder.Append((char)Convert.ToInt32(text.Substring(i + 2, 4), 16));
                    i += 6;
                    break;
                case '\n':
                    // Line-ending backslash: trim the newline and the following whitespace.
                    i += 2;
                    while (char.IsWhiteSpace(text[i]))
                    {
                        i++;
                    }

                    break;
                default:
                    builder.Append(next);
                    i += 2;
                    break;
            }
        }

        return builder.ToString();
    }
}
