using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Rules.CatalogTool;
using Rules.Language.Schema;

namespace Rules.Tests.FieldCatalogTool;

/// <summary>The committed catalog and record are exactly what the tool derives from ../shared/schemas.</summary>
public class CatalogDerivationTests
{
    private static readonly Lazy<DerivedFiles> Derived = new(() => DerivedCatalog.Value);

    [Fact]
    public void Committed_fields_tsv_is_byte_identical_to_a_fresh_derivation()
    {
        var committed = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, CatalogDerivation.FieldsTsvRelativePath));
        Assert.Equal(Encoding.UTF8.GetBytes(Derived.Value.FieldsTsv), committed);
    }

    [Fact]
    public void Committed_record_source_is_byte_identical_to_a_fresh_derivation()
    {
        var committed = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, CatalogDerivation.EcsEventRelativePath));
        Assert.Equal(Encoding.UTF8.GetBytes(Derived.Value.EcsEventSource), committed);
    }

    [Fact]
    public void Derivation_is_deterministic()
    {
        var again = CatalogDerivation.Derive(TestPaths.Schemas, Path.Combine(TestPaths.RepoRoot, CatalogDerivation.SupplementalRelativePath));
        Assert.Equal(Derived.Value.FieldsTsv, again.FieldsTsv);
        Assert.Equal(Derived.Value.EcsEventSource, again.EcsEventSource);
    }

    [Fact]
    public void Built_in_catalog_holds_every_ecs_field_with_its_type_and_array_flag()
    {
        var catalog = FieldCatalog.BuiltIn;
        Assert.Equal(2614, catalog.Fields.Count(f => f.IsEcs));
        Assert.True(catalog.TryGetField("process.args", out var args));
        Assert.Equal((FieldType.Keyword, true, "process", FieldSource.Ecs), (args.Type, args.IsArray, args.FieldSet, args.Source));
        Assert.True(catalog.TryGetField("@timestamp", out var timestamp));
        Assert.Equal((FieldType.Date, false, "base"), (timestamp.Type, timestamp.IsArray, timestamp.FieldSet));
        Assert.True(catalog.TryGetField("process.pid", out var pid));
        Assert.Equal(FieldType.Long, pid.Type);
        Assert.True(catalog.TryGetField("source.ip", out var ip));
        Assert.Equal(FieldValueKind.Ip, ip.ValueKind);
        // Leaves under an array of objects hold one value per element (Elasticsearch flattens object arrays).
        Assert.True(catalog.TryGetField("dns.answers.name", out var answerName));
        Assert.True(answerName.IsArray);
    }

    [Fact]
    public void Built_in_catalog_holds_integration_fields_from_every_source()
    {
        var catalog = FieldCatalog.BuiltIn;
        Assert.True(catalog.TryGetField("winlog.event_data.TargetUserName", out var beats));
        Assert.Equal((FieldSource.Integration, "winlog"), (beats.Source, beats.FieldSet));
        Assert.True(catalog.TryGetField("process.Ext.token.integrity_level_name", out var nonEcs));
        Assert.Equal(FieldSource.Integration, nonEcs.Source);
        Assert.True(catalog.TryGetField("process.Ext.relative_file_creation_time", out var endpoint));
        Assert.Equal(FieldType.Double, endpoint.Type);
        Assert.True(catalog.TryGetField("powershell.file.script_block_text", out var powershell));
        Assert.Equal(FieldType.Text, powershell.Type);
        Assert.True(catalog.TryGetField("github.actor_ip", out var supplemental));
        Assert.Equal(FieldType.Ip, supplemental.Type);
    }

    [Fact]
    public void Multi_fields_point_at_the_field_whose_value_they_index()
    {
        var catalog = FieldCatalog.BuiltIn;
        Assert.True(catalog.TryGetField("process.name.caseless", out var caseless));
        Assert.Equal(("process.name", "lowercase", FieldType.Keyword, FieldSource.Integration), (caseless.MultiFieldOf, caseless.Normalizer, caseless.Type, caseless.Source));
        Assert.True(catalog.TryGetField("process.command_line.text", out var text));
        Assert.Equal(("process.command_line", (string?)null, FieldType.MatchOnlyText), (text.MultiFieldOf, text.Normalizer, text.Type));
        Assert.True(catalog.TryGetField("user_agent.original.text", out var ecsMulti));
        Assert.Equal("user_agent.original", ecsMulti.MultiFieldOf);
        Assert.True(catalog.TryGetField("process.name", out var plain));
        Assert.Null(plain.MultiFieldOf);
        Assert.Equal(120, catalog.Fields.Count(f => f.MultiFieldOf is not null && f.Type == FieldType.MatchOnlyText));
        Assert.All(catalog.Fields.Where(f => f.MultiFieldOf is not null), f => Assert.True(catalog.TryGetField(f.MultiFieldOf!, out _), f.Path));
    }

    [Fact]
    public void Catalog_reader_accepts_rows_with_and_without_multi_field_columns()
    {
        var rows = FieldCatalog.ReadTsv(new StringReader("# c\na.b\tkeyword\t1\ta\tecs\na.b.caseless\tkeyword\t0\ta\tintegration\ta.b\tlowercase\n")).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Null(rows[0].MultiFieldOf);
        Assert.Equal(("a.b", "lowercase"), (rows[1].MultiFieldOf, rows[1].Normalizer));
    }

    [Fact]
    public void Fields_tsv_is_sorted_and_well_formed()
    {
        var lines = Derived.Value.FieldsTsv.Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();
        var paths = lines.Select(l => l.Split('\t')[0]).ToList();
        Assert.Equal(paths.OrderBy(p => p, StringComparer.Ordinal), paths);
        Assert.Equal(paths.Count, paths.Distinct(StringComparer.Ordinal).Count());
        Assert.All(lines, line =>
        {
            var parts = line.Split('\t');
            Assert.True(parts.Length == 5 || parts.Length == 7, line);
            Assert.True(FieldTypes.TryParse(parts[1], out _), line);
            Assert.Contains(parts[2], new[] { "0", "1" });
            Assert.Contains(parts[4], new[] { "ecs", "integration" });
            Assert.DoesNotContain("", parts[0].Split('.'));
        });
        Assert.True(Derived.Value.FieldsTsv.Length < 3 * 1024 * 1024);
    }

    [Fact]
    public void Every_supplemental_row_has_a_reason_and_reaches_the_catalog_unless_a_schema_defines_it()
    {
        var supplemental = CatalogDerivation.ReadSupplemental(Path.Combine(TestPaths.RepoRoot, CatalogDerivation.SupplementalRelativePath));
        Assert.NotEmpty(supplemental);
        var statistics = Derived.Value.Statistics;
        Assert.Equal(supplemental.Count, statistics.SupplementalFields + statistics.SupplementalShadowed);
        foreach (var field in supplemental)
        {
            Assert.True(FieldCatalog.BuiltIn.TryGetField(field.Path, out _), field.Path);
            Assert.True(field.Origin.Length > "supplemental: ".Length + 10, field.Path);
        }
    }

    [Fact]
    public void Supplemental_file_rejects_malformed_rows_with_the_line_number()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# comment\nprocess.x\tkeyword\t0\tprocess\tintegration\n");
            var error = Assert.Throws<InvalidDataException>(() => CatalogDerivation.ReadSupplemental(path));
            Assert.Contains("(2)", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// The emitter's contract: for every ECS leaf, EcsNaming.Accessor compiles against the record and has the CLR type
    /// FieldTypes.ValueKindOf prescribes (string/long/double/bool/DateTimeOffset, [] for arrays, nullable).
    /// </summary>
    [Fact]
    public void Every_ecs_accessor_compiles_against_the_record_with_the_prescribed_type()
    {
        var objectPaths = new HashSet<string>(FieldCatalog.BuiltIn.Fields.Where(f => f.IsEcs)
            .SelectMany(f => Enumerable.Range(1, f.Path.Count(c => c == '.')).Select(n => string.Join('.', f.Path.Split('.').Take(n)))));
        var leaves = FieldCatalog.BuiltIn.Fields.Where(f => f.IsEcs && !objectPaths.Contains(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var source = new StringBuilder("using System;\nusing Rules.Runtime;\n#nullable enable\nstatic class AccessorCheck\n{\n    static void Check(EcsEvent e)\n    {\n");
        for (var i = 0; i < leaves.Count; i++)
        {
            var element = leaves[i].ValueKind switch
            {
                FieldValueKind.Integer => "long",
                FieldValueKind.Float => "double",
                FieldValueKind.Boolean => "bool",
                FieldValueKind.Date => "DateTimeOffset",
                _ => "string",
            };
            var type = leaves[i].IsArray ? element + "[]?" : element + "?";
            source.Append("        ").Append(type).Append(" v").Append(i).Append(" = ").Append(EcsNaming.Accessor("e", leaves[i].Path)).Append(";\n");
        }

        source.Append("        e.Process = new() { Name = \"x\", Parent = new() { Executable = \"y\" } };\n    }\n}\n");
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(Rules.Runtime.EcsEvent).Assembly.Location));
        var compilation = CSharpCompilation.Create(
            "AccessorCheck",
            new[] { CSharpSyntaxTree.ParseText(source.ToString()) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).Take(10).ToList();
        Assert.Empty(errors);
        Assert.True(leaves.Count > 2500);
    }
}
