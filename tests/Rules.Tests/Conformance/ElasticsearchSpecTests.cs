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

    /// <summary>Every file with the mappings' random keyword type as keyword and as wildcard (the suite's loader picks one at random).</summary>
    public static TheoryData<string, string> Files
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var file in SpecSuites.ElasticsearchFiles)
            {
                data.Add(file, "keyword");
                data.Add(file, "wildcard");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Queries_match_the_events_elasticsearch_returns(string file, string keywordType)
    {
        var suite = SpecSuites.Elasticsearch(file);
        var queries = SpecQueryFile.Read(Path.Combine(SpecDataset.Root, file));
        var dataset = suite.Dataset(keywordType);
        var results = new ConformanceRunner(dataset, suite.Known).Run(queries);
        _output.WriteLine($"dataset {dataset.Name}, id field {dataset.IdField}, {dataset.Events.Count} events, keyword fields as {keywordType}");
        foreach (var note in dataset.Notes)
        {
            _output.WriteLine("  " + note);
        }

        ConformanceReport.Write(_output, file, suite.Known, queries, results);
    }
}
