using Rules.Language.Schema;
using Rules.Language.Text;

namespace Rules.Tests.Documents;

public class UserSchemaReaderTests
{
    [Fact]
    public void Yaml_fields_list_is_read()
    {
        var (fields, diagnostics) = UserSchemaReader.Read("fields.yml", "fields:\n  - name: my_app.user.id\n    type: keyword\n  - { name: my_app.tags, type: keyword, array: true }\n  - name: score\n    type: double\n    description: A score.\n");
        Assert.Empty(diagnostics);
        Assert.Equal(
            new[]
            {
                new FieldDefinition("my_app.user.id", FieldType.Keyword, false, "my_app", FieldSource.User),
                new FieldDefinition("my_app.tags", FieldType.Keyword, true, "my_app", FieldSource.User),
                new FieldDefinition("score", FieldType.Double, false, "score", FieldSource.User),
            },
            fields);
    }

    [Fact]
    public void The_example_in_the_docs_reads()
    {
        var docs = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "rule-files.md"));
        var section = docs.IndexOf("## User schema files", StringComparison.Ordinal);
        var start = docs.IndexOf("```yaml\n", section, StringComparison.Ordinal) + "```yaml\n".Length;
        var end = docs.IndexOf("```", start, StringComparison.Ordinal);
        var (fields, diagnostics) = UserSchemaReader.Read("fields.yml", docs.Substring(start, end - start));
        Assert.Empty(diagnostics);
        Assert.Equal(new[] { "my_app.user.id", "my_app.tags", "my_app.latency" }, fields.Select(f => f.Path));
        Assert.True(fields[1].IsArray);
    }

    [Fact]
    public void Toml_fields_are_read()
    {
        var (fields, diagnostics) = UserSchemaReader.Read("fields.toml", "[[fields]]\nname = \"app.port\"\ntype = \"long\"\n[[fields]]\nname = \"app.ip\"\ntype = \"ip\"\narray = false");
        Assert.Empty(diagnostics);
        Assert.Equal(new[] { FieldType.Long, FieldType.Ip }, fields.Select(f => f.Type));
        Assert.All(fields, f => Assert.Equal("app", f.FieldSet));
    }

    [Theory]
    [InlineData("fields:\n  - name: a.b\n    type: strng\n", "strng", "keyword")]
    [InlineData("fields:\n  - name: a.b\n    type: 5\n", "5", "must be a string")]
    [InlineData("fields:\n  - name: a.b\n    type: keyword\n    array: yes\n", "yes", "true or false")]
    [InlineData("fields:\n  - name: a..b\n    type: keyword\n", "a..b", "not a field path")]
    [InlineData("fields:\n  - name: a b\n    type: keyword\n", "a b", "not a field path")]
    [InlineData("fields:\n  - name: a.b\n    type: keyword\n    arry: true\n", "arry", "unknown key")]
    [InlineData("fields:\n  - name: a.b\n    type: keyword\n  - name: a.b\n    type: long\n", "a.b\n    type: long", "twice")]
    [InlineData("fields:\n  - just-a-string\n", "just-a-string", "must be an entry")]
    [InlineData("fields: {}\n", "{}", "must be a list")]
    public void Bad_entries_are_DR8001_at_the_value(string text, string located, string messagePart)
    {
        var (fields, diagnostics) = UserSchemaReader.Read("fields.yml", text);
        var error = Assert.Single(diagnostics);
        Assert.Equal("DR8001", error.Id);
        Assert.Equal(text.LastIndexOf(located.Split('\n')[0], StringComparison.Ordinal), error.Location.Span.Start);
        Assert.Contains(messagePart, error.Message);
        Assert.True(fields.Count <= 1);
    }

    [Fact]
    public void Missing_name_or_type_is_DR8001_at_the_entry()
    {
        var (_, diagnostics) = UserSchemaReader.Read("fields.yml", "fields:\n  - type: keyword\n  - name: x\n");
        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal("DR8001", d.Id));
        Assert.Equal(new LinePosition(1, 4), diagnostics[0].Location.Start);
        Assert.Equal(new LinePosition(2, 4), diagnostics[1].Location.Start);
    }

    [Fact]
    public void Missing_fields_list_unknown_extension_and_syntax_errors()
    {
        Assert.Equal("DR8001", Assert.Single(UserSchemaReader.Read("fields.yml", "other: 1").Diagnostics).Id);
        Assert.Equal("DR8001", Assert.Single(UserSchemaReader.Read("fields.json", "{}").Diagnostics).Id);
        Assert.Equal("DR1101", Assert.Single(UserSchemaReader.Read("fields.yml", "fields: [").Diagnostics).Id);
        Assert.Equal("DR1001", Assert.Single(UserSchemaReader.Read("fields.toml", "fields = [").Diagnostics).Id);
    }

    [Fact]
    public void Every_field_type_name_is_accepted()
    {
        foreach (FieldType type in Enum.GetValues(typeof(FieldType)))
        {
            var (fields, diagnostics) = UserSchemaReader.Read("f.yml", $"fields:\n  - name: x.y\n    type: {FieldTypes.ToName(type)}\n");
            Assert.Empty(diagnostics);
            Assert.Equal(type, Assert.Single(fields).Type);
        }
    }
}
