using Rules.CatalogTool;

namespace Rules.Tests.FieldCatalogTool;

public class CorpusCoverageTests
{
    [Fact]
    public void Every_field_name_the_corpus_rules_use_is_in_the_catalog()
    {
        var report = CoverageReport.Measure(TestPaths.Corpus, DerivedCatalog.Value.Fields);
        Assert.True(report.RulesScanned > 1700, $"only {report.RulesScanned} rules scanned");
        Assert.True(report.DistinctNames > 550, $"only {report.DistinctNames} names found");
        Assert.Empty(report.Missing.Keys);
        Assert.All(report.PatternsAndMatches, pair => Assert.True(pair.Value > 0, pair.Key));
    }

    [Theory]
    [InlineData("process where event.type == \"start\" and process.name : \"a.exe\" and not startswith~(process.args, \"x\")", "event.type,process.args,process.name")]
    [InlineData("sequence by host.id with maxspan=5m [process where ?process.parent.name == \"b\" // c.d\n] [file where file.path like \"/*.e\" /* f.g */]", "file.path,host.id,process.parent.name")]
    [InlineData("any where azure.auditlogs.properties.target_resources.`0`.display_name like \"DESKTOP-*\"", "azure.auditlogs.properties.target_resources.0.display_name")]
    [InlineData("network where \"\"\"raw \"text\" with.dots\"\"\" == destination.ip", "destination.ip")]
    public void Eql_scan_finds_field_names_only(string query, string expected) =>
        Assert.Equal(expected.Split(','), CorpusFieldScan.EqlFields(query).OrderBy(f => f, StringComparer.Ordinal));

    [Theory]
    [InlineData("event.category:process and process.name:(a.exe or \"b: c\") and not user.name : *", "event.category,process.name,user.name")]
    [InlineData("gcp.audit.data:{ action:\"ADD\" and role:(x or y) } and network.bytes >= 256", "gcp.audit.data.action,gcp.audit.data.role,network.bytes")]
    [InlineData("kubernetes.audit.annotations.authorization_k8s_io/decision:\"forbid\" and a.*.b:x", "a.*.b,kubernetes.audit.annotations.authorization_k8s_io/decision")]
    public void Kql_scan_finds_field_names_only(string query, string expected) =>
        Assert.Equal(expected.Split(','), CorpusFieldScan.KqlFields(query).OrderBy(f => f, StringComparer.Ordinal));

    [Fact]
    public void Mini_toml_reads_rule_keys_and_tables()
    {
        var toml = "[metadata]\nquery = \"not this\"\n\n[rule]\ntype = \"threshold\"\nquery = '''\nevent.action:\"x\" # not a comment\n'''\nindex = [\n  \"a-*\", # comment\n  \"b-*\",\n]\n\n[rule.threshold]\nfield = [\"host.name\"]\nvalue = 1\n\n[[rule.threshold.cardinality]]\nfield = \"user.name\"\nvalue = 5\n";
        var values = MiniToml.ReadRule(toml);
        Assert.Equal("threshold", values["rule.type"][0]);
        Assert.Equal("event.action:\"x\" # not a comment\n", values["rule.query"][0]);
        Assert.Equal(new[] { "a-*", "b-*" }, values["rule.index"]);
        Assert.Equal(new[] { "host.name" }, values["rule.threshold.field"]);
        Assert.Equal(new[] { "user.name" }, values["rule.threshold.cardinality.field"]);
        Assert.Equal("not this", values["metadata.query"][0]);
    }
}
