using Rules.Language.Text;

namespace Rules.Language.Eql
{
    // The syntax tree of an EQL query. Every node carries its span in the query text (not the rule file);
    // QuerySource.Locate maps a span to the file.

    public abstract record EqlNode(SourceSpan Span);

    // ---------------------------------------------------------------- expressions

    public abstract record EqlExpr(SourceSpan Span) : EqlNode(Span);

    public enum EqlLiteralKind
    {
        Null,
        String,
        Integer,
        Decimal,
        Boolean,
    }

    public sealed record EqlLiteral(SourceSpan Span, EqlLiteralKind Kind, string? Text, long Integer, double Decimal, bool Boolean) : EqlExpr(Span)
    {
        public static EqlLiteral Null(SourceSpan span) => new EqlLiteral(span, EqlLiteralKind.Null, null, 0, 0, false);

        public static EqlLiteral String(SourceSpan span, string value) => new EqlLiteral(span, EqlLiteralKind.String, value, 0, 0, false);

        public static EqlLiteral Int(SourceSpan span, long value) => new EqlLiteral(span, EqlLiteralKind.Integer, null, value, 0, false);

        public static EqlLiteral Dec(SourceSpan span, double value) => new EqlLiteral(span, EqlLiteralKind.Decimal, null, 0, value, false);

        public static EqlLiteral Bool(SourceSpan span, bool value) => new EqlLiteral(span, EqlLiteralKind.Boolean, null, 0, 0, value);
    }

    /// <summary>A field reference; <see cref="Optional"/> is <c>?field</c>. <see cref="HasArrayIndex"/> records
    /// <c>field[0]</c>, which parses (as in Elasticsearch) but is rejected when lowering.</summary>
    public sealed record EqlField(SourceSpan Span, string Path, bool Optional, bool HasArrayIndex) : EqlExpr(Span);

    public sealed record EqlNot(SourceSpan Span, EqlExpr Operand) : EqlExpr(Span);

    public enum EqlLogicOp
    {
        And,
        Or,
    }

    public sealed record EqlLogical(SourceSpan Span, EqlLogicOp Op, EqlExpr Left, EqlExpr Right) : EqlExpr(Span);

    public enum EqlCompareOp
    {
        Equal,
        NotEqual,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
    }

    public sealed record EqlComparison(SourceSpan Span, EqlCompareOp Op, SourceSpan OperatorSpan, EqlExpr Left, EqlExpr Right) : EqlExpr(Span);

    public enum EqlArithmeticOp
    {
        Add,
        Subtract,
        Multiply,
        Divide,
        Modulo,
        Negate,
    }

    /// <summary>Binary arithmetic, or unary minus (<see cref="EqlArithmeticOp.Negate"/>, <see cref="Right"/> null).</summary>
    public sealed record EqlArithmetic(SourceSpan Span, EqlArithmeticOp Op, EqlExpr Left, EqlExpr? Right) : EqlExpr(Span);

    /// <summary>A function call; <see cref="CaseInsensitive"/> is the <c>name~(...)</c> form.</summary>
    public sealed record EqlCall(SourceSpan Span, string Name, SourceSpan NameSpan, bool CaseInsensitive, EquatableArray<EqlExpr> Arguments) : EqlExpr(Span);

    /// <summary><c>value [not] in[~] (items)</c>.</summary>
    public sealed record EqlIn(SourceSpan Span, EqlExpr Value, EquatableArray<EqlExpr> Items, bool Negated, bool CaseInsensitive) : EqlExpr(Span);

    public enum EqlPatternKind
    {
        /// <summary><c>:</c> case-insensitive equality with <c>*</c>/<c>?</c> wildcards.</summary>
        Colon,
        Like,
        Regex,
    }

    /// <summary><c>value : pattern</c>, <c>like[~]</c>, <c>regex[~]</c>, with one constant or a list of constants.</summary>
    public sealed record EqlPatternMatch(SourceSpan Span, EqlExpr Value, EqlPatternKind Kind, bool CaseInsensitive, EquatableArray<EqlLiteral> Patterns) : EqlExpr(Span);

    /// <summary><c>descendant of [...]</c>, <c>child of [...]</c>, <c>event of [...]</c>: parsed, unsupported (as in Elasticsearch).</summary>
    public sealed record EqlProcessRelationship(SourceSpan Span, string Relationship, EqlEventFilter Subquery) : EqlExpr(Span);

    // ---------------------------------------------------------------- queries

    /// <summary><c>category where condition</c>; <see cref="Category"/> is null for <c>any</c>.</summary>
    public sealed record EqlEventFilter(SourceSpan Span, string? Category, SourceSpan CategorySpan, EqlExpr Condition) : EqlNode(Span);

    public abstract record EqlQueryBody(SourceSpan Span) : EqlNode(Span);

    public sealed record EqlEventQuery(SourceSpan Span, EqlEventFilter Filter) : EqlQueryBody(Span);

    /// <summary>A bracketed stage: <c>[filter] by keys with runs=N</c>, or a missing-event stage <c>![filter]</c>.</summary>
    public sealed record EqlStage(SourceSpan Span, EqlEventFilter Filter, EquatableArray<EqlExpr> Keys, bool IsMissing, int? Runs, SourceSpan RunsSpan) : EqlNode(Span);

    /// <summary><c>with maxspan=30s</c>: the number and its unit as written.</summary>
    public sealed record EqlMaxSpan(SourceSpan Span, double Amount, bool AmountIsInteger, string? Unit) : EqlNode(Span);

    public sealed record EqlSequence(SourceSpan Span, EquatableArray<EqlExpr> Keys, EqlMaxSpan? MaxSpan, EquatableArray<EqlStage> Stages, EqlStage? Until) : EqlQueryBody(Span);

    public sealed record EqlSample(SourceSpan Span, EquatableArray<EqlExpr> Keys, EquatableArray<EqlStage> Stages) : EqlQueryBody(Span);

    /// <summary><c>join</c>: parsed, unsupported (Elasticsearch rejects it too).</summary>
    public sealed record EqlJoin(SourceSpan Span, EquatableArray<EqlExpr> Keys, EquatableArray<EqlStage> Stages, EqlStage? Until) : EqlQueryBody(Span);

    /// <summary><c>| name args</c>: head, tail, and the pipes Elasticsearch parses but does not run.</summary>
    public sealed record EqlPipe(SourceSpan Span, string Name, SourceSpan NameSpan, EquatableArray<EqlExpr> Arguments) : EqlNode(Span);

    public sealed record EqlQuery(SourceSpan Span, EqlQueryBody Body, EquatableArray<EqlPipe> Pipes) : EqlNode(Span);
}
