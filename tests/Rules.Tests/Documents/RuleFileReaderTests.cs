using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Text;

namespace Rules.Tests.Documents;

public class RuleFileReaderTests
{
    /// <summary>Seed 004 (AmsiEnable Registry Key Modification) written by hand in YAML, Elastic schema.</summary>
    internal const string AmsiEnableYaml = """
        metadata:
          creation_date: 2021/06/01
          integration: [endpoint, windows]
          maturity: production
          updated_date: 2026/04/27
        rule:
          author: [Elastic]
          description: >
            Identifies modifications of the AmsiEnable registry key to 0, which disables Windows Script AMSI scanning
            for the affected user.
          from: now-9m
          index:
            - winlogbeat-*
            - logs-endpoint.events.registry-*
          language: eql
          license: Elastic License v2
          name: Modification of AmsiEnable Registry Key
          risk_score: 73
          rule_id: f874315d-5188-4b4a-8521-d1c73093a7e4
          severity: high
          tags: ["Domain: Endpoint", "OS: Windows", "Tactic: Defense Evasion"]
          timestamp_override: event.ingested
          type: eql
          version: 3
          query: |
            registry where host.os.type == "windows" and event.type in ("creation", "change") and
              registry.value : "AmsiEnable" and registry.data.strings: ("0", "0x00000000")
              /* HKEY_USERS\\*\\Software\\Microsoft\\Windows Script\\Settings\\AmsiEnable */
          threat:
            - framework: MITRE ATT&CK
              tactic:
                id: TA0005
                name: Defense Evasion
                reference: https://attack.mitre.org/tactics/TA0005/
              technique:
                - id: T1112
                  name: Modify Registry
                  reference: https://attack.mitre.org/techniques/T1112/
                - id: T1562
                  name: Impair Defenses
                  reference: https://attack.mitre.org/techniques/T1562/
                  subtechnique:
                    - id: T1562.001
                      name: Disable or Modify Tools
                      reference: https://attack.mitre.org/techniques/T1562/001/
        """;

    internal const string AmsiEnableToml = """
        [metadata]
        creation_date = "2021/06/01"
        integration = ["endpoint", "windows"]
        maturity = "production"
        updated_date = "2026/04/27"

        [rule]
        author = ["Elastic"]
        description = "Identifies modifications of the AmsiEnable registry key to 0, which disables Windows Script AMSI scanning for the affected user.\n"
        from = "now-9m"
        index = ["winlogbeat-*", "logs-endpoint.events.registry-*"]
        language = "eql"
        license = "Elastic License v2"
        name = "Modification of AmsiEnable Registry Key"
        risk_score = 73
        rule_id = "f874315d-5188-4b4a-8521-d1c73093a7e4"
        severity = "high"
        tags = ["Domain: Endpoint", "OS: Windows", "Tactic: Defense Evasion"]
        timestamp_override = "event.ingested"
        type = "eql"
        version = 3
        query = '''
        registry where host.os.type == "windows" and event.type in ("creation", "change") and
          registry.value : "AmsiEnable" and registry.data.strings: ("0", "0x00000000")
          /* HKEY_USERS\\*\\Software\\Microsoft\\Windows Script\\Settings\\AmsiEnable */
        '''

        [[rule.threat]]
        framework = "MITRE ATT&CK"

        [[rule.threat.technique]]
        id = "T1112"
        name = "Modify Registry"
        reference = "https://attack.mitre.org/techniques/T1112/"

        [[rule.threat.technique]]
        id = "T1562"
        name = "Impair Defenses"
        reference = "https://attack.mitre.org/techniques/T1562/"

        [[rule.threat.technique.subtechnique]]
        id = "T1562.001"
        name = "Disable or Modify Tools"
        reference = "https://attack.mitre.org/techniques/T1562/001/"

        [rule.threat.tactic]
        id = "TA0005"
        name = "Defense Evasion"
        reference = "https://attack.mitre.org/tactics/TA0005/"
        """;

    private static RuleDocument ReadOk(string path, string text)
    {
        var result = RuleFileReader.Read(path, text);
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
        return result.Rule!;
    }

    private static RuleDiagnostic ReadError(string path, string text, string id)
    {
        var result = RuleFileReader.Read(path, text);
        Assert.Null(result.Rule);
        var diagnostic = result.Diagnostics.FirstOrDefault(d => d.Id == id);
        Assert.True(diagnostic != null, $"Expected {id}, got: " + string.Join("\n", result.Diagnostics));
        Assert.Equal(path, diagnostic!.Location.Path);
        return diagnostic;
    }

    [Fact]
    public void Seed_rule_in_yaml_reads_every_key()
    {
        var rule = ReadOk("amsi.yml", AmsiEnableYaml);
        Assert.Equal("f874315d-5188-4b4a-8521-d1c73093a7e4", rule.RuleId);
        Assert.Equal("Modification of AmsiEnable Registry Key", rule.Name);
        Assert.Equal("eql", rule.Type);
        Assert.Equal("eql", rule.Language);
        Assert.Equal("high", rule.Severity);
        Assert.Equal(73, rule.RiskScore);
        Assert.Equal(3, rule.Version);
        Assert.Equal("now-9m", rule.From);
        Assert.Equal(new[] { "winlogbeat-*", "logs-endpoint.events.registry-*" }, rule.Index);
        Assert.Equal(new[] { "Elastic" }, rule.Author);
        Assert.Equal("2021/06/01", rule.CreationDate);
        Assert.Equal(new[] { "endpoint", "windows" }, rule.Integration);
        Assert.Equal("event.ingested", rule.TimestampOverride);
        Assert.StartsWith("Identifies modifications of the AmsiEnable registry key to 0, which disables Windows Script AMSI scanning for the affected user.", rule.Description);
        var threat = Assert.Single(rule.Threat);
        Assert.Equal("MITRE ATT&CK", threat.Framework);
        Assert.Equal(new ThreatEntry("TA0005", "Defense Evasion", "https://attack.mitre.org/tactics/TA0005/"), threat.Tactic);
        Assert.Equal(new[] { "T1112", "T1562" }, threat.Techniques.Select(t => t.Technique.Id));
        Assert.Equal("T1562.001", Assert.Single(threat.Techniques[1].Subtechniques).Id);
    }

    [Fact]
    public void The_yaml_example_in_the_docs_reads()
    {
        var docs = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "rule-files.md"));
        var section = docs.IndexOf("### Example: a rule in YAML", StringComparison.Ordinal);
        var start = docs.IndexOf("```yaml\n", section, StringComparison.Ordinal) + "```yaml\n".Length;
        var end = docs.IndexOf("```", start, StringComparison.Ordinal);
        var rule = ReadOk("docs-example.yml", docs.Substring(start, end - start));
        Assert.Equal("Modification of AmsiEnable Registry Key", rule.Name);
        Assert.Equal("T1562.001", rule.Threat[0].Techniques[0].Subtechniques[0].Id);
    }

    [Fact]
    public void Seed_rule_reads_the_same_from_toml_and_yaml()
    {
        var yaml = ReadOk("amsi.yml", AmsiEnableYaml);
        var toml = ReadOk("amsi.toml", AmsiEnableToml);
        Assert.Equal(yaml.Query, toml.Query);
        Assert.Equal(
            yaml with { FilePath = "", QuerySpan = default, QuerySourceMap = null },
            toml with { FilePath = "", QuerySpan = default, QuerySourceMap = null });
    }

    [Theory]
    [InlineData("amsi.yml")]
    [InlineData("amsi.toml")]
    public void Query_source_map_points_into_the_rule_file(string path)
    {
        var text = path.EndsWith(".yml") ? AmsiEnableYaml : AmsiEnableToml;
        var rule = ReadOk(path, text);
        foreach (var word in new[] { "registry where", "registry.value", "AmsiEnable\" and", "0x00000000", "HKEY_USERS\\\\*" })
        {
            var inQuery = rule.Query.IndexOf(word, StringComparison.Ordinal);
            Assert.True(inQuery >= 0, word);
            var inFile = rule.QuerySourceMap!.MapOffset(inQuery);
            Assert.Equal(word, text.Substring(inFile, word.Length));
        }

        Assert.Equal(rule.QuerySpan.Start, text.IndexOf(path.EndsWith(".yml") ? "|\n    registry" : "'''\nregistry", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("persistence_via_wmi_stdregprov_run_services.toml", "eql", "high", 73, "Persistence via WMI Standard Registry Provider")]
    [InlineData("defense_evasion_system_critical_proc_abnormal_file_activity.toml", "eql", "high", 73, "Unusual Executable File Creation by a System Critical Process")]
    [InlineData("defense_evasion_execution_lolbas_wuauclt.toml", "eql", "medium", 47, "ImageLoad via Windows Update Auto Update Client")]
    [InlineData("defense_evasion_posh_process_injection.toml", "query", "high", 73, "Potential Process Injection via PowerShell")]
    [InlineData("defense_evasion_amsienable_key_mod.toml", "eql", "high", 73, "Modification of AmsiEnable Registry Key")]
    public void Seed_rules_in_the_corpus_read(string file, string type, string severity, int riskScore, string name)
    {
        var path = Path.Combine(TestPaths.Corpus, "rules", "windows", file);
        var rule = ReadOk(path, File.ReadAllText(path));
        Assert.Equal(type, rule.Type);
        Assert.Equal(type == "eql" ? "eql" : "kuery", rule.Language);
        Assert.Equal(severity, rule.Severity);
        Assert.Equal(riskScore, rule.RiskScore);
        Assert.Equal(name, rule.Name);
        Assert.Equal("Elastic License v2", rule.License);
        Assert.NotEmpty(rule.Threat);
        Assert.All(rule.Threat, t => Assert.StartsWith("TA", t.Tactic.Id));
    }

    [Fact]
    public void Wmi_seed_has_techniques_and_subtechniques()
    {
        var path = Path.Combine(TestPaths.Corpus, "rules", "windows", "persistence_via_wmi_stdregprov_run_services.toml");
        var rule = ReadOk(path, File.ReadAllText(path));
        Assert.Equal(new[] { "TA0003", "TA0002" }, rule.Threat.Select(t => t.Tactic.Id));
        Assert.Equal(new[] { "T1543", "T1547" }, rule.Threat[0].Techniques.Select(t => t.Technique.Id));
        Assert.Equal(new[] { "T1547.001", "T1547.004" }, rule.Threat[0].Techniques[1].Subtechniques.Select(s => s.Id));
        Assert.Empty(rule.Threat[1].Techniques[0].Subtechniques);
    }

    [Fact]
    public void Extension_picks_the_format_and_others_are_DR1201()
    {
        Assert.NotNull(RuleFileReader.Read("A.TOML", AmsiEnableToml).Rule);
        Assert.NotNull(RuleFileReader.Read("dir.v2/a.yaml", AmsiEnableYaml).Rule);
        var error = ReadError("rule.json", "{}", "DR1201");
        Assert.Equal(new LinePosition(0, 0), error.Location.Start);
        Assert.Contains(".toml", error.Message);
        ReadError("folder.toml/rule", "", "DR1201");
        Assert.True(RuleFileReader.IsRuleFile("rules/a.Yml"));
        Assert.False(RuleFileReader.IsRuleFile("rules.toml/readme"));
    }

    [Fact]
    public void Syntax_errors_pass_through_and_give_no_rule()
    {
        var toml = ReadError("bad.toml", "[rule]\nname = \"x", "DR1001");
        Assert.Equal(new LinePosition(1, 7), toml.Location.Start);
        var yaml = ReadError("bad.yml", "rule:\n  name: \"x\n", "DR1101");
        Assert.Equal(1, yaml.Location.Start.Line);
    }

    private static string Minimal(string type = "eql", string extra = "", string language = "eql", string query = "process where true") =>
        $"[rule]\nrule_id = \"id-1\"\nname = \"n\"\ndescription = \"d\"\ntype = \"{type}\"\nrisk_score = 21\nseverity = \"low\"\nlanguage = \"{language}\"\nquery = '{query}'\n{extra}";

    [Fact]
    public void Minimal_rule_reads_with_defaults()
    {
        var rule = ReadOk("m.toml", Minimal());
        Assert.Equal("id-1", rule.RuleId);
        Assert.Equal(0, rule.Version);
        Assert.Equal("", rule.Interval);
        Assert.Empty(rule.Index);
        Assert.Null(rule.AlertSuppression);
        Assert.Equal("m.toml", rule.FilePath);
    }

    [Fact]
    public void Missing_rule_table_is_DR2001_at_the_file_start()
    {
        var error = ReadError("m.toml", "[metadata]\nmaturity = \"production\"", "DR2001");
        Assert.Equal(new SourceSpan(0, 0), error.Location.Span);
        Assert.Contains("'rule'", error.Message);
    }

    [Theory]
    [InlineData("rule_id")]
    [InlineData("name")]
    [InlineData("description")]
    [InlineData("type")]
    [InlineData("risk_score")]
    [InlineData("severity")]
    [InlineData("query")]
    [InlineData("language")]
    public void Missing_required_key_is_DR2001_at_the_rule_table(string key)
    {
        var lines = Minimal().Split('\n').Where(l => !l.StartsWith(key + " =")).ToArray();
        var text = "# header\n" + string.Join("\n", lines);
        var error = ReadError("m.toml", text, "DR2001");
        Assert.Equal(new SourceSpan(text.IndexOf("[rule]"), 6), error.Location.Span);
        Assert.Contains("'rule." + key + "'", error.Message);
    }

    [Fact]
    public void Missing_key_in_yaml_is_located_at_the_key_that_holds_the_mapping()
    {
        var text = "# rule\nrule:\n  name: n\n  description: d\n  type: eql\n  language: eql\n  query: process where true\n  risk_score: 1\n  severity: low\n  threat:\n    - framework: MITRE ATT&CK\n      tactic:\n        name: Execution\n        reference: r\n";
        var result = RuleFileReader.Read("r.yml", text);
        var ruleId = result.Diagnostics.Single(d => d.Message.Contains("rule.rule_id"));
        Assert.Equal(new SourceSpan(text.IndexOf("rule:"), 4), ruleId.Location.Span);
        Assert.EndsWith("Add it, for example: rule_id: \"...\".", ruleId.Message);
        var tacticId = result.Diagnostics.Single(d => d.Message.Contains("rule.threat[0].tactic.id"));
        Assert.Equal(new SourceSpan(text.IndexOf("tactic"), 6), tacticId.Location.Span);
    }

    [Theory]
    [InlineData("risk_score = \"high\"", "risk_score", "\"high\"")]
    [InlineData("severity = 3", "severity", "3")]
    [InlineData("tags = \"one\"", "tags", "\"one\"")]
    [InlineData("tags = [\"ok\", 2]", "tags[1]", "2")]
    [InlineData("version = 1.5", "version", "1.5")]
    [InlineData("threat = { framework = \"x\" }", "threat", "{ framework = \"x\" }")]
    public void Wrong_kind_of_value_is_DR2002_at_the_value(string line, string key, string valueText)
    {
        var key0 = line.Substring(0, line.IndexOf(' '));
        var text = string.Join("\n", Minimal().Split('\n').Where(l => !l.StartsWith(key0 + " ="))) + "\n" + line;
        var error = ReadError("m.toml", text, "DR2002");
        Assert.Equal(new SourceSpan(text.LastIndexOf(valueText), valueText.Length), error.Location.Span);
        Assert.Contains("'rule." + key + "'", error.Message);
    }

    [Theory]
    [InlineData("severity = \"urgent\"", "\"urgent\"")]
    [InlineData("risk_score = 101", "101")]
    [InlineData("risk_score = -1", "-1")]
    [InlineData("type = \"bogus\"", "\"bogus\"")]
    [InlineData("language = \"kuery\"", "\"kuery\"")]
    [InlineData("interval = \"5 minutes\"", "\"5 minutes\"")]
    [InlineData("from = \"9m\"", "\"9m\"")]
    [InlineData("version = 0", "0")]
    [InlineData("max_signals = 0", "0")]
    [InlineData("version = 4294967296", "4294967296")]
    [InlineData("building_block_type = \"other\"", "\"other\"")]
    [InlineData("name = \"  \"", "\"  \"")]
    [InlineData("query = ''", "''")]
    public void Invalid_value_is_DR2003_at_the_value(string line, string valueText)
    {
        var key = line.Substring(0, line.IndexOf(' '));
        var text = string.Join("\n", Minimal().Split('\n').Where(l => !l.StartsWith(key + " ="))) + "\n" + line;
        var error = ReadError("m.toml", text, "DR2003");
        Assert.Equal(new SourceSpan(text.LastIndexOf(valueText), valueText.Length), error.Location.Span);
    }

    [Fact]
    public void Metadata_dates_maturity_and_integration()
    {
        var rule = ReadOk("m.toml", "[metadata]\ncreation_date = \"2020/10/13\"\nintegration = \"endpoint\"\nmaturity = \"beta\"\n" + Minimal());
        Assert.Equal(new[] { "endpoint" }, rule.Integration);
        Assert.Equal("beta", rule.Maturity);
        var error = ReadError("m.toml", "[metadata]\ncreation_date = \"2020-10-13\"\n" + Minimal(), "DR2003");
        Assert.Contains("yyyy/MM/dd", error.Message);
        ReadError("m.toml", "[metadata]\nmaturity = \"gold\"\n" + Minimal(), "DR2003");
        ReadError("m.toml", "[metadata]\nintegration = 3\n" + Minimal(), "DR2002");
        ReadError("m.toml", "metadata = 1\n" + Minimal(), "DR2002");
    }

    [Fact]
    public void New_terms_settings()
    {
        var extra = "[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = [\"host.id\", \"user.name\"]\n[[rule.new_terms.history_window_start]]\nfield = \"history_window_start\"\nvalue = \"now-7d\"";
        var rule = ReadOk("n.toml", Minimal("new_terms", extra, "kuery", "event.category:process"));
        Assert.Equal(new NewTermsSettings("new_terms_fields", new[] { "host.id", "user.name" }, "now-7d"), rule.NewTerms);
        var missing = ReadError("n.toml", Minimal("new_terms", "", "kuery", "a:b"), "DR2001");
        Assert.Contains("rule.new_terms", missing.Message);
        ReadError("n.toml", Minimal("new_terms", "[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = []\n[[rule.new_terms.history_window_start]]\nfield = \"history_window_start\"\nvalue = \"now-7d\"", "kuery", "a:b"), "DR2003");
        ReadError("n.toml", Minimal("new_terms", "[rule.new_terms]\nfield = \"other\"\nvalue = [\"a\"]\n[[rule.new_terms.history_window_start]]\nfield = \"history_window_start\"\nvalue = \"now-7d\"", "kuery", "a:b"), "DR2003");
    }

    [Fact]
    public void Threshold_settings_take_a_field_string_or_list()
    {
        var list = ReadOk("t.toml", Minimal("threshold", "[rule.threshold]\nfield = [\"host.id\", \"user.name\"]\nvalue = 25\n[[rule.threshold.cardinality]]\nfield = \"destination.port\"\nvalue = 250", "kuery", "a:b"));
        Assert.Equal(new[] { "host.id", "user.name" }, list.Threshold!.Field);
        Assert.Equal(25, list.Threshold.Value);
        Assert.Equal(new ThresholdCardinality("destination.port", 250), Assert.Single(list.Threshold.Cardinality));
        var single = ReadOk("t.toml", Minimal("threshold", "[rule.threshold]\nfield = \"host.id\"\nvalue = 1", "kuery", "a:b"));
        Assert.Equal(new[] { "host.id" }, single.Threshold!.Field);
        ReadError("t.toml", Minimal("threshold", "[rule.threshold]\nfield = \"host.id\"\nvalue = 0", "kuery", "a:b"), "DR2003");
        ReadError("t.toml", Minimal("threshold", "[rule.threshold]\nfield = 5\nvalue = 1", "kuery", "a:b"), "DR2002");
        ReadError("t.toml", Minimal("threshold", "", "kuery", "a:b"), "DR2001");
    }

    [Fact]
    public void Alert_suppression_duration_becomes_text()
    {
        var rule = ReadOk("s.toml", Minimal(extra: "[rule.alert_suppression]\ngroup_by = [\"host.name\"]\nmissing_fields_strategy = \"suppress\"\n[rule.alert_suppression.duration]\nunit = \"m\"\nvalue = 5"));
        Assert.Equal(new AlertSuppression(new[] { "host.name" }, "5m", "suppress"), rule.AlertSuppression);
        ReadError("s.toml", Minimal(extra: "[rule.alert_suppression]\ngroup_by = [\"host.name\"]\n[rule.alert_suppression.duration]\nunit = \"y\"\nvalue = 5"), "DR2003");
        ReadError("s.toml", Minimal(extra: "[rule.alert_suppression]\nmissing_fields_strategy = \"drop\"\ngroup_by = [\"a\"]"), "DR2003");
        ReadError("s.toml", Minimal(extra: "[rule.alert_suppression]\nmissing_fields_strategy = \"suppress\""), "DR2001");
    }

    [Fact]
    public void Severity_and_risk_score_mappings()
    {
        var rule = ReadOk("s.toml", Minimal(extra: "[[rule.severity_mapping]]\nfield = \"event.severity\"\noperator = \"equals\"\nseverity = \"critical\"\nvalue = \"99\"\n[[rule.risk_score_mapping]]\nfield = \"event.risk_score\"\noperator = \"equals\"\nvalue = \"\""));
        Assert.Equal(new SeverityMapping("event.severity", "equals", "99", "critical"), Assert.Single(rule.SeverityMapping));
        Assert.Equal(new RiskScoreMapping("event.risk_score", "equals", "", null), Assert.Single(rule.RiskScoreMapping));
        var yaml = ReadOk("s.yml", "rule:\n  rule_id: a\n  name: n\n  description: d\n  type: eql\n  language: eql\n  query: process where true\n  risk_score: 1\n  severity: low\n  severity_mapping:\n    - {field: event.severity, operator: equals, value: 21, severity: low}\n");
        Assert.Equal("21", yaml.SeverityMapping[0].Value);
        ReadError("s.toml", Minimal(extra: "[[rule.severity_mapping]]\nfield = \"event.severity\"\noperator = \"equals\"\nseverity = \"extreme\"\nvalue = \"99\""), "DR2003");
    }

    [Fact]
    public void Filters_become_canonical_json_with_negate_and_disabled()
    {
        var text = Minimal(extra: "[[rule.filters]]\n[rule.filters.meta]\nnegate = true\n[rule.filters.query.wildcard.\"file.path\"]\nvalue = \"?:\\\\ProgramData\\\\*\"\ncase_insensitive = true\n[[rule.filters]]\nmeta = { disabled = true, alias = \"x\" }\nquery = { match_phrase = { \"process.name\" = \"a\\\"b\" } }");
        var rule = ReadOk("f.toml", text);
        Assert.Equal(2, rule.Filters.Count);
        Assert.Equal("{\"meta\":{\"negate\":true},\"query\":{\"wildcard\":{\"file.path\":{\"case_insensitive\":true,\"value\":\"?:\\\\ProgramData\\\\*\"}}}}", rule.Filters[0].Json);
        Assert.True(rule.Filters[0].Negate);
        Assert.False(rule.Filters[0].Disabled);
        Assert.Equal(new SourceSpan(text.IndexOf("[[rule.filters]]"), "[[rule.filters]]".Length), rule.Filters[0].Span);
        Assert.Equal("{\"meta\":{\"alias\":\"x\",\"disabled\":true},\"query\":{\"match_phrase\":{\"process.name\":\"a\\\"b\"}}}", rule.Filters[1].Json);
        Assert.True(rule.Filters[1].Disabled);
        var error = ReadError("f.toml", Minimal(extra: "[[rule.filters]]\nmeta = { negate = \"yes\" }"), "DR2002");
        Assert.Contains("rule.filters[0].meta.negate", error.Message);
        ReadError("f.toml", Minimal(extra: "[[rule.filters]]\nquery = { range = { x = { gte = nan } } }"), "DR2003");
    }

    [Fact]
    public void Filters_read_the_same_from_yaml_in_another_key_order()
    {
        var toml = ReadOk("f.toml", Minimal(extra: "[[rule.filters]]\n[rule.filters.meta]\nnegate = true\n[rule.filters.query.term]\n\"host.name\" = \"h\""));
        var yaml = ReadOk("f.yml", "rule:\n  filters:\n    - query: {term: {host.name: h}}\n      meta: {negate: true}\n  rule_id: id-1\n  name: n\n  description: d\n  type: eql\n  risk_score: 21\n  severity: low\n  language: eql\n  query: process where true\n");
        Assert.Equal(toml.Filters[0].Json, yaml.Filters[0].Json);
    }

    [Fact]
    public void Threat_entries_require_their_keys()
    {
        var error = ReadError("t.toml", Minimal(extra: "[[rule.threat]]\nframework = \"MITRE ATT&CK\"\n[rule.threat.tactic]\nname = \"Execution\"\nreference = \"r\""), "DR2001");
        Assert.Contains("rule.threat[0].tactic.id", error.Message);
        ReadError("t.toml", Minimal(extra: "[[rule.threat]]\nframework = \"MITRE ATT&CK\""), "DR2001");
        ReadError("t.toml", Minimal(extra: "threat = [\"T1059\"]"), "DR2002");
    }

    [Fact]
    public void Other_rule_types_have_their_own_requirements()
    {
        var ml = ReadOk("ml.toml", "[rule]\nrule_id = \"a\"\nname = \"n\"\ndescription = \"d\"\ntype = \"machine_learning\"\nrisk_score = 21\nseverity = \"low\"\nanomaly_threshold = 75\nmachine_learning_job_id = \"job\"");
        Assert.Equal("", ml.Query);
        ReadError("ml.toml", "[rule]\nrule_id = \"a\"\nname = \"n\"\ndescription = \"d\"\ntype = \"machine_learning\"\nrisk_score = 21\nseverity = \"low\"", "DR2001");
        Assert.Equal("esql", ReadOk("e.toml", Minimal("esql", "", "esql", "from logs-* | limit 1")).Language);
        ReadError("e.toml", Minimal("threat_match", "", "kuery", "a:b"), "DR2001");
    }

    [Fact]
    public void Unknown_keys_and_transform_are_ignored()
    {
        var rule = ReadOk("u.toml", "[transform]\n[[transform.osquery]]\nlabel = \"x\"\n" + Minimal(extra: "some_future_key = { a = 1 }\n[rule.investigation_fields]\nfield_names = [\"a\"]"));
        Assert.Equal("id-1", rule.RuleId);
    }

    [Fact]
    public void Several_errors_are_all_reported()
    {
        var result = RuleFileReader.Read("x.toml", "[rule]\nseverity = \"urgent\"\nrisk_score = \"x\"");
        Assert.Null(result.Rule);
        Assert.Contains(result.Diagnostics, d => d.Id == "DR2003");
        Assert.Contains(result.Diagnostics, d => d.Id == "DR2002");
        Assert.True(result.Diagnostics.Count(d => d.Id == "DR2001") >= 4);
        Assert.NotNull(result.Tree);
    }
}
