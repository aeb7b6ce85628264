using Xunit.Abstractions;

namespace Rules.Tests.Conformance;

/// <summary>
/// The eql Python library's test_queries.toml (../shared/conformance/eql-python), the origin of Elasticsearch's
/// suite, run the same way over the same events. Where eql-python's semantics differ from Elasticsearch's, the
/// query is a documented skip or difference (docs/conformance.md, "eql-python").
/// </summary>
public class EqlPythonTests
{
    private readonly ITestOutputHelper _output;

    public EqlPythonTests(ITestOutputHelper output) => _output = output;

    public static string Root => Path.Combine(TestPaths.Conformance, "eql-python");

    [Fact]
    public void Queries_where_eql_python_agrees_with_elasticsearch_match()
    {
        // Spelling only (= for ==, single quotes, ?'raw'); meaning differences stay listed (EqlPythonDifferences).
        var queries = SpecQueryFile.Read(Path.Combine(Root, "test_queries.toml"))
            .Select(q => q with { Query = EqlPythonDialect.ToElasticsearch(q.Query) })
            .ToList();
        var known = EqlPythonDifferences.Queries;
        var results = new ConformanceRunner(SpecDataset.Endgame(), known).Run(queries);
        ConformanceReport.Write(_output, "eql-python/test_queries.toml", known, queries, results);
    }
}
