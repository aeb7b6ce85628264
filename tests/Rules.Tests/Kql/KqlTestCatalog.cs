using Rules.Language;
using Rules.Language.Binding;
using Rules.Language.Ir;
using Rules.Language.Kql;
using Rules.Language.Schema;

namespace Rules.Tests.Kql;

/// <summary>A small catalog with one field of each type the semantics depend on, and helpers to compile against it.</summary>
public static class KqlTestCatalog
{
    public static FieldCatalog Catalog { get; } = new(new[]
    {
        Field("process.name", FieldType.Keyword),
        Field("process.executable", FieldType.Keyword),
        Field("process.args", FieldType.Keyword, array: true),
        Field("process.command_line", FieldType.Wildcard),
        Field("process.pid", FieldType.Long),
        Field("message", FieldType.MatchOnlyText),
        Field("powershell.file.script_block_text", FieldType.Text),
        Field("destination.port", FieldType.Long),
        Field("process.args_count", FieldType.Long),
        Field("http.response.status_code", FieldType.Long),
        Field("event.severity_byte", FieldType.Byte),
        Field("ml.probability", FieldType.Float),
        Field("event.ingested", FieldType.Date),
        Field("source.ip", FieldType.Ip),
        Field("destination.ip", FieldType.Ip),
        Field("dll.code_signature.trusted", FieldType.Boolean),
        Field("data_stream.dataset", FieldType.ConstantKeyword),
        Field("gcp.binding_deltas", FieldType.Nested),
        Field("gcp.binding_deltas.role", FieldType.Keyword),
        Field("process.parent", FieldType.Object),
        Field("process.parent.name", FieldType.Keyword),
        Field("file.path", FieldType.Keyword),
        Field("winlog.event_data.ProcessName", FieldType.Keyword),
        Field("package.version", FieldType.Version),
    });

    private static FieldDefinition Field(string path, FieldType type, bool array = false) =>
        new(path, type, array, path.Split('.')[0], FieldSource.Ecs);

    public static BoundField Bound(string path)
    {
        Assert.True(Catalog.TryGetField(path, out var field));
        return new BoundField(field.Path, field.Type, field.IsArray, field.IsEcs, false);
    }

    public static FieldExpr F(string path) => new(Bound(path));

    public static BoolExpr Compile(string query)
    {
        var (condition, diagnostics) = KqlCompiler.Compile(QuerySource.ForText(query), Catalog);
        Assert.Empty(diagnostics);
        Assert.NotNull(condition);
        return condition!;
    }

    public static Rules.Language.Diagnostics.RuleDiagnostic CompileError(string query, string id)
    {
        var (condition, diagnostics) = KqlCompiler.Compile(QuerySource.ForText(query), Catalog);
        Assert.Null(condition);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        return diagnostic;
    }

    public static StringMatchExpr Str(string path, StringMatchKind kind, string pattern, bool caseInsensitive = false) =>
        new(F(path), kind, new[] { pattern }, caseInsensitive);

    public static TextMatchExpr Text(string path, bool phrase, params string[] tokens) => new(Bound(path), tokens, phrase);

    public static CompareExpr Cmp(string path, CompareOp op, LiteralExpr literal) => new(F(path), op, literal, false);

    public static OrExpr Or(params BoolExpr[] operands) => new(operands);

    public static AndExpr And(params BoolExpr[] operands) => new(operands);
}
