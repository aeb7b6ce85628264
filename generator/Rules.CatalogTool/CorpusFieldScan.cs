using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Rules.CatalogTool;

/// <summary>
/// Measures catalog coverage: the field names that corpus rules use (the query of eql, query, new_terms and threshold
/// rules, plus new_terms and threshold fields). This is a lexical scan, not the project's parsers: it reads just the
/// TOML keys it needs and takes identifiers out of EQL and KQL text, skipping strings, comments, keywords, function
/// names and EQL event categories. Good enough to measure coverage; the binder (DR6001) is the real check.
/// </summary>
internal static class CorpusFieldScan
{
    private static readonly HashSet<string> RuleTypes = new(StringComparer.Ordinal) { "eql", "query", "new_terms", "threshold" };

    private static readonly HashSet<string> EqlKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "in", "where", "by", "with", "sequence", "sample", "until", "maxspan", "any", "of", "true",
        "false", "null", "like", "regex", "runs", "size", "join", "descendant", "child",
    };

    /// <summary>Field name -> rule files that use it (sorted, deterministic).</summary>
    public static SortedDictionary<string, SortedSet<string>> Scan(string corpusDirectory, out int rulesScanned)
    {
        var fields = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        rulesScanned = 0;
        foreach (var file in Directory.EnumerateFiles(corpusDirectory, "*.toml", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var rule = MiniToml.ReadRule(File.ReadAllText(file));
            if (!rule.TryGetValue("rule.type", out var type) || !RuleTypes.Contains(type[0]))
            {
                continue;
            }

            rulesScanned++;
            var names = new HashSet<string>(StringComparer.Ordinal);
            var query = rule.TryGetValue("rule.query", out var q) ? q[0] : "";
            var language = rule.TryGetValue("rule.language", out var l) ? l[0] : "kuery";
            names.UnionWith(language == "eql" ? EqlFields(query) : KqlFields(query));
            foreach (var key in new[] { "rule.new_terms.value", "rule.threshold.field", "rule.threshold.cardinality.field" })
            {
                if (rule.TryGetValue(key, out var extra))
                {
                    names.UnionWith(extra.Where(v => v.Length > 0));
                }
            }

            var name = Path.GetFileName(file);
            foreach (var field in names)
            {
                if (!fields.TryGetValue(field, out var files))
                {
                    fields.Add(field, files = new SortedSet<string>(StringComparer.Ordinal));
                }

                files.Add(name);
            }
        }

        return fields;
    }

    private enum TokenKind
    {
        Identifier,
        String,
        Number,
        Punctuation,
    }

    private readonly record struct Token(TokenKind Kind, string Text);

    public static IEnumerable<string> EqlFields(string query)
    {
        var tokens = EqlTokens(query);
        var fields = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind != TokenKind.Identifier)
            {
                continue;
            }

            var next = i + 1 < tokens.Count ? tokens[i + 1] : default;
            var afterNext = i + 2 < tokens.Count ? tokens[i + 2] : default;
            var isFunction = next is { Kind: TokenKind.Punctuation, Text: "(" }
                || (next is { Kind: TokenKind.Punctuation, Text: "~" } && afterNext is { Kind: TokenKind.Punctuation, Text: "(" });
            var isCategory = next is { Kind: TokenKind.Identifier, Text: "where" };
            if (!isFunction && !isCategory && !EqlKeywords.Contains(token.Text))
            {
                fields.Add(token.Text);
            }
        }

        return fields;
    }

    /// <summary>EQL tokens; backquoted segments join the identifier around them (a.`0`.b).</summary>
    private static List<Token> EqlTokens(string q)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < q.Length)
        {
            var c = q[i];
            if (string.CompareOrdinal(q, i, "\"\"\"", 0, 3) == 0)
            {
                var close = q.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                i = close < 0 ? q.Length : close + 3;
                tokens.Add(new Token(TokenKind.String, ""));
            }
            else if (c is '"' or '\'')
            {
                var j = i + 1;
                while (j < q.Length && q[j] != c)
                {
                    j += q[j] == '\\' ? 2 : 1;
                }

                i = j + 1;
                tokens.Add(new Token(TokenKind.String, ""));
            }
            else if (string.CompareOrdinal(q, i, "//", 0, 2) == 0)
            {
                var close = q.IndexOf('\n', i);
                i = close < 0 ? q.Length : close;
            }
            else if (string.CompareOrdinal(q, i, "/*", 0, 2) == 0)
            {
                var close = q.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? q.Length : close + 2;
            }
            else if (c == '`' || c == '@' || c == '_' || char.IsLetter(c))
            {
                var builder = new StringBuilder();
                while (i < q.Length)
                {
                    if (q[i] == '`')
                    {
                        var close = q.IndexOf('`', i + 1);
                        close = close < 0 ? q.Length : close;
                        builder.Append(q, i + 1, close - i - 1);
                        i = close + 1;
                    }
                    else if (char.IsLetterOrDigit(q[i]) || q[i] is '_' or '@' or '.' or '-')
                    {
                        builder.Append(q[i++]);
                    }
                    else
                    {
                        break;
                    }
                }

                // A trailing '-' or '.' belongs to an operator or the end of a sentence, not to the name.
                var text = builder.ToString().TrimEnd('-', '.');
                tokens.Add(new Token(TokenKind.Identifier, text));
            }
            else if (char.IsDigit(c))
            {
                var j = i;
                while (j < q.Length && (char.IsLetterOrDigit(q[j]) || q[j] == '.'))
                {
                    j++;
                }

                tokens.Add(new Token(TokenKind.Number, q.Substring(i, j - i)));
                i = j;
            }
            else
            {
                if (!char.IsWhiteSpace(c))
                {
                    tokens.Add(new Token(TokenKind.Punctuation, c.ToString()));
                }

                i++;
            }
        }

        return tokens;
    }

    /// <summary>KQL field names: a name followed by ':' or a range operator, with nested field:{ ... } prefixes.</summary>
    public static IEnumerable<string> KqlFields(string query)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new Stack<(string Prefix, int Depth)>();
        var braceDepth = 0;
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (c == '"')
            {
                var j = i + 1;
                while (j < query.Length && query[j] != '"')
                {
                    j += query[j] == '\\' ? 2 : 1;
                }

                i = j + 1;
                continue;
            }

            if (c == '{')
            {
                braceDepth++;
                i++;
                continue;
            }

            if (c == '}')
            {
                if (prefixes.Count > 0 && prefixes.Peek().Depth == braceDepth)
                {
                    prefixes.Pop();
                }

                braceDepth--;
                i++;
                continue;
            }

            if (c == '\\' && i + 1 < query.Length)
            {
                i += 2;
                continue;
            }

            if (char.IsLetter(c) || c is '_' or '@' or '*')
            {
                var j = i;
                while (j < query.Length && (char.IsLetterOrDigit(query[j]) || query[j] is '_' or '@' or '.' or '*' or '/' or '-' or '?'))
                {
                    j++;
                }

                var name = query.Substring(i, j - i);
                var k = j;
                while (k < query.Length && query[k] == ' ')
                {
                    k++;
                }

                var isField = k < query.Length && (query[k] == ':' || query[k] == '<' || query[k] == '>');
                if (isField)
                {
                    var full = prefixes.Count > 0 ? prefixes.Peek().Prefix + "." + name : name;
                    var m = k + 1;
                    while (m < query.Length && char.IsWhiteSpace(query[m]))
                    {
                        m++;
                    }

                    if (query[k] == ':' && m < query.Length && query[m] == '{')
                    {
                        prefixes.Push((full, braceDepth + 1));
                    }
                    else
                    {
                        fields.Add(full);
                    }
                }

                i = j;
                continue;
            }

            i++;
        }

        return fields;
    }
}

/// <summary>
/// Reads the few TOML keys the coverage scan needs: string and string-array values, keyed by table path + key
/// ("rule.query", "rule.threshold.field"). Handles basic, literal and multi-line strings and multi-line arrays.
/// </summary>
internal static class MiniToml
{
    public static Dictionary<string, List<string>> ReadRule(string text)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var table = "";
        var i = 0;
        while (i < text.Length)
        {
            SkipWhitespaceAndComments(text, ref i);
            if (i >= text.Length)
            {
                break;
            }

            if (text[i] == '[')
            {
                var close = text.IndexOf('\n', i);
                close = close < 0 ? text.Length : close;
                table = text.Substring(i, close - i).Trim().Trim('[', ']').Trim();
                i = close;
                continue;
            }

            var equals = text.IndexOf('=', i);
            var lineEnd = text.IndexOf('\n', i);
            if (equals < 0 || (lineEnd >= 0 && lineEnd < equals))
            {
                i = lineEnd < 0 ? text.Length : lineEnd + 1;
                continue;
            }

            var key = table + "." + text.Substring(i, equals - i).Trim().Trim('"');
            i = equals + 1;
            while (i < text.Length && text[i] is ' ' or '\t')
            {
                i++;
            }

            var list = new List<string>();
            if (i < text.Length && text[i] == '[')
            {
                i++;
                while (i < text.Length)
                {
                    SkipWhitespaceAndComments(text, ref i);
                    if (i >= text.Length || text[i] == ']')
                    {
                        i++;
                        break;
                    }

                    if (text[i] == ',')
                    {
                        i++;
                        continue;
                    }

                    if (TryReadString(text, ref i, out var item))
                    {
                        list.Add(item);
                    }
                    else
                    {
                        SkipScalarOrNested(text, ref i);
                    }
                }
            }
            else if (TryReadString(text, ref i, out var single))
            {
                list.Add(single);
            }
            else
            {
                var end = text.IndexOf('\n', i);
                end = end < 0 ? text.Length : end;
                list.Add(text.Substring(i, end - i).Trim());
                i = end;
            }

            if (!values.TryGetValue(key, out var existing))
            {
                values.Add(key, list);
            }
            else
            {
                existing.AddRange(list);
            }
        }

        return values;
    }

    private static void SkipWhitespaceAndComments(string text, ref int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else if (text[i] == '#')
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end;
            }
            else
            {
                break;
            }
        }
    }

    private static void SkipScalarOrNested(string text, ref int i)
    {
        var depth = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}')
            {
                if (depth == 0)
                {
                    return;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                return;
            }

            i++;
        }
    }

    private static bool TryReadString(string text, ref int i, out string value)
    {
        value = "";
        if (i >= text.Length || (text[i] != '"' && text[i] != '\''))
        {
            return false;
        }

        var quote = text[i];
        var multiline = string.CompareOrdinal(text, i, new string(quote, 3), 0, 3) == 0;
        var delimiter = multiline ? new string(quote, 3) : quote.ToString();
        var start = i + delimiter.Length;
        if (multiline && start < text.Length && text[start] == '\n')
        {
            start++;
        }

        var builder = new StringBuilder();
        var j = start;
        while (j < text.Length)
        {
            if (string.CompareOrdinal(text, j, delimiter, 0, delimiter.Length) == 0)
            {
                // A multi-line string may end with up to two extra quotes inside it ('''a'''' is a').
                while (multiline && j + delimiter.Length < text.Length && text[j + delimiter.Length] == quote)
                {
                    builder.Append(quote);
                    j++;
                }

                value = builder.ToString();
                i = j + delimiter.Length;
                return true;
            }

            if (quote == '"' && text[j] == '\\' && j + 1 < text.Length)
            {
                var escaped = text[j + 1];
                switch (escaped)
                {
                    case 'n': builder.Append('\n'); j += 2; continue;
                    case 't': builder.Append('\t'); j += 2; continue;
                    case 'r': builder.Append('\r'); j += 2; continue;
                    case '"': builder.Append('"'); j += 2; continue;
                    case '\\': builder.Append('\\'); j += 2; continue;
                    case 'u' when j + 6 <= text.Length:
                        builder.Append((char)Convert.ToInt32(text.Substring(j + 2, 4), 16));
                        j += 6;
                        continue;
                    case '\n' or '\r' or ' ' when multiline:
                        // Line-ending backslash: trim the newline and the whitespace that follows.
                        j++;
                        while (j < text.Length && char.IsWhiteSpace(text[j]))
                        {
                            j++;
                        }

                        continue;
                }
            }

            builder.Append(text[j++]);
        }

        i = text.Length;
        value = builder.ToString();
        return true;
    }
}
