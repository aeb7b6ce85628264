using System.Text;
using System.Text.RegularExpressions;

namespace Rules.Tests.Kql;

/// <summary>
/// Reads what the KQL corpus tests need from a rule TOML file with a minimal extraction (rule type, language and
/// query, with TOML string escapes undone); the full reader has its own corpus test (Documents/CorpusReadTests).
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

/// <summary>
/// Reads the corpus rules' <c>[[rule.filters]]</c> tables into the JSON the TOML reader will hand over
/// (RuleFilter.Json), with a minimal line-based reader that covers the shapes the corpus uses (tables, booleans,
/// basic strings); the full reader has its own corpus test (Documents/CorpusReadTests).
/// </summary>
public static class KqlCorpusFilters
{
    public sealed record CorpusFilter(string Path, string Type, string Json, bool Negate);

    public static IReadOnlyList<CorpusFilter> Load()
    {
        var filters = new List<CorpusFilter>();
        foreach (var path in Directory.EnumerateFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(path);
            var type = lines.Select(l => Regex.Match(l, "^type = \"([^\"]*)\"")).FirstOrDefault(m => m.Success)?.Groups[1].Value ?? "";
            Dictionary<string, object>? current = null;
            Dictionary<string, object>? table = null;
            foreach (var line in lines)
            {
                if (line.StartsWith("[[rule.filters]]", StringComparison.Ordinal))
                {
                    Flush(filters, path, type, current);
                    current = new Dictionary<string, object>();
                    table = current;
                    continue;
                }

                if (current is null)
                {
                    continue;
                }

                if (line.StartsWith("[", StringComparison.Ordinal))
                {
                    if (!line.StartsWith("[rule.filters.", StringComparison.Ordinal))
                    {
                        Flush(filters, path, type, current);
                        current = null;
                        continue;
                    }

                    table = current;
                    foreach (Match key in Regex.Matches(line.Substring("[rule.filters.".Length).TrimEnd(']'), "\"([^\"]*)\"|([^.\"]+)"))
                    {
                        var name = key.Groups[1].Success ? key.Groups[1].Value : key.Groups[2].Value;
                        if (!table.TryGetValue(name, out var child))
                        {
                            child = new Dictionary<string, object>();
                            table[name] = child;
                        }

                        table = (Dictionary<string, object>)child;
                    }

                    continue;
                }

                var assignment = Regex.Match(line, "^([A-Za-z_$\"][^=]*?)\\s*=\\s*(.*)$");
                if (assignment.Success && table is not null)
                {
                    var raw = assignment.Groups[2].Value.Trim();
                    table[assignment.Groups[1].Value.Trim('"')] = raw switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => UnescapeBasic(raw.Substring(1, raw.Length - 2)),
                    };
                }
            }

            Flush(filters, path, type, current);
        }

        return filters;
    }

    private static void Flush(List<CorpusFilter> filters, string path, string type, Dictionary<string, object>? filter)
    {
        if (filter is null)
        {
            return;
        }

        var negate = filter.TryGetValue("meta", out var meta) && ((Dictionary<string, object>)meta).TryGetValue("negate", out var n) && n is true;
        filters.Add(new CorpusFilter(Path.GetRelativePath(TestPaths.Corpus, path), type, ToJson(filter), negate));
    }

    private static string UnescapeBasic(string text) =>
        Regex.Replace(text, "\\\\(.)", m => m.Groups[1].Value switch { "n" => "\n", "t" => "\t", var other => other });

    private static string ToJson(object value) => value switch
    {
        bool b => b ? "true" : "false",
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        Dictionary<string, object> d => "{" + string.Join(",", d.Select(p => ToJson(p.Key) + ":" + ToJson(p.Value))) + "}",
        _ => throw new InvalidOperationException(),
    };
}
