using Rules.Language.Diagnostics;
using Rules.Language.Text;

namespace Rules.Language.Binding
{
    /// <summary>
    /// A query's text together with where it sits in its rule file, so that a parser reports errors at the file's
    /// line and column although it only sees the query string.
    /// </summary>
    public sealed class QuerySource
    {
        public QuerySource(SourceText file, string query, StringSourceMap map)
        {
            File = file;
            Query = query;
            Map = map;
        }

        public SourceText File { get; }

        public string Query { get; }

        public StringSourceMap Map { get; }

        /// <summary>A query that is the whole of a test string (no rule file around it).</summary>
        public static QuerySource ForText(string query, string path = "query") =>
            new QuerySource(new SourceText(path, query), query, new StringSourceMap(0));

        public SourceLocation Locate(int start, int length) => File.GetLocation(Map.MapSpan(start, length));

        public RuleDiagnostic Error(DiagnosticDescriptor descriptor, int start, int length, string message) =>
            descriptor.Create(Locate(start, length), message);
    }
}
