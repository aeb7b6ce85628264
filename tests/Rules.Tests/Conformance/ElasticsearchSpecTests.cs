using Xunit.Abstractions;

namespace Rules.Tests.Conformance;

/// <summary>
/// Elasticsearch's EQL spec suite (../shared/conformance/elasticsearch-eql) run through the generated code:
/// every query a rule, every event read by EventReader, the matched ids compared with expected_event_ids.
/// docs/conformance.md has the numbers and every skip and difference.
/// </summary>
public class ElasticsearchSpecTests
{
    private readonly ITestOutputHelper _output;

    public ElasticsearchSpecTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Files => new(SpecSuites.ElasticsearchFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Queries_match_the_events_elasticsearch_returns(string file)
    {
        var suite = SpecSuites.Elasticsearch(file);
        var queries = SpecQueryFile.Read(Path.Combine(SpecDataset.Root, file));
        var results = new ConformanceRunner(suite.Dataset(), suite.Known).Run(queries);
        ConformanceReport.Write(_output, file, suite.Known, queries, results);
    }
}
