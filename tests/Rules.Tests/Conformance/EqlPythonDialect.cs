using System.Text;

namespace Rules.Tests.Conformance;

/// <summary>
/// Rewrites eql-python's spelling into Elasticsearch's where the meaning is the same: <c>=</c> is <c>==</c>,
/// <c>'text'</c> is <c>"text"</c>, <c>?"raw"</c> / <c>?'raw'</c> is <c>"""raw"""</c>. Semantics are not rewritten:
/// eql-python's case-insensitive, wildcard-expanding <c>==</c> stays Elasticsearch's exact <c>==</c>, and the queries
/// whose expectations depend on that are listed differences.
/// </summary>
public static class EqlPythonDialect
{
    public static string ToElasticsearch(string query)
    {
        var b = new StringBuilder(query.Length + 8);
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (c == '?' && i + 1 < query.Length && query[i + 1] is '\'' or '"')
            {
                // Raw string: no escapes, up to the same quote.
                var quote = query[i + 1];
                var end = query.IndexOf(quote, i + 2);
                if (end < 0)
                {
                    return query;
                }

                b.Append("\"\"\"").Append(query, i + 2, end - i - 2).Append("\"\"\"");
                i = end;
            }
            else if (c is '"' or '\'')
            {
                b.Append('"');
                for (i++; i < query.Length && query[i] != c; i++)
                {
                    if (query[i] == '\\' && i + 1 < query.Length)
                    {
                        b.Append(query[i]).Append(query[++i]);
                    }
                    else
                    {
                        b.Append(c == '\'' && query[i] == '"' ? "\\\"" : query[i].ToString());
                    }
                }

                b.Append('"');
            }
            else if (c == '=' && (i == 0 || query[i - 1] is not ('=' or '!' or '<' or '>')) && (i + 1 >= query.Length || query[i + 1] != '=') && !AfterOption(b))
            {
                b.Append("==");
            }
            else
            {
                b.Append(c);
            }
        }

        return b.ToString();
    }

    // "with maxspan=1h", "fork=true", "runs=2": option assignments, not comparisons.
    private static bool AfterOption(StringBuilder written)
    {
        var text = written.ToString().TrimEnd();
        return text.EndsWith("maxspan", StringComparison.Ordinal) || text.EndsWith("fork", StringComparison.Ordinal) || text.EndsWith("runs", StringComparison.Ordinal);
    }
}
