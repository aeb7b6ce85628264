using Rules.Language.Schema;

namespace Rules.Language.Ir
{
    // The one typed IR every query language lowers into (EQL, KQL, query-DSL filters). The optimiser and the
    // emitter know only these nodes. The IR is two-valued: front ends lower their language's null and
    // missing-field rules into explicit Exists checks, so the emitter needs no three-valued logic.
    // Array semantics: a condition on a field holds when any value of the field satisfies it.

    /// <summary>The type of a value in the IR.</summary>
    public enum IrType
    {
        Null,
        String,
        Integer,
        Float,
        Boolean,
        Date,
        Ip,
        Other,
    }

    /// <summary>A field resolved against the schema.</summary>
    public sealed record BoundField(string Path, FieldType Type, bool IsArray, bool IsEcs, bool IsOptional)
    {
        public FieldValueKind ValueKind => FieldTypes.ValueKindOf(Type);

        /// <summary>A keyword field with Elasticsearch's <c>lowercase</c> normalizer (Elastic Defend's <c>*.caseless</c>):
        /// its values and the query's terms are both lowercased, so exact comparisons on it ignore case.</summary>
        public bool LowercaseNormalized { get; init; }

        /// <summary>The user schema's null_value and date format (FieldDefinition), carried to the field's registration.</summary>
        public string? NullValueJson { get; init; }

        public string? DateFormat { get; init; }

        /// <summary>The bound form of a catalog field.</summary>
        public static BoundField From(FieldDefinition field, bool optional) =>
            new BoundField(field.Path, field.Type, field.IsArray, field.IsEcs, optional)
            {
                LowercaseNormalized = field.Normalizer == "lowercase",
                NullValueJson = field.NullValueJson,
                DateFormat = field.DateFormat,
            };
    }

    // ---------------------------------------------------------------- boolean expressions

    public abstract record BoolExpr;

    public sealed record AndExpr(EquatableArray<BoolExpr> Operands) : BoolExpr;

    public sealed record OrExpr(EquatableArray<BoolExpr> Operands) : BoolExpr;

    public sealed record NotExpr(BoolExpr Operand) : BoolExpr;

    public sealed record ConstantExpr(bool Value) : BoolExpr;

    /// <summary>The event is of this EQL event category: <c>event.category</c> (an array) contains it exactly.</summary>
    public sealed record EventCategoryExpr(string Category) : BoolExpr;

    /// <summary>The field has at least one non-null value.</summary>
    public sealed record ExistsExpr(BoundField Field) : BoolExpr;

    public enum StringMatchKind
    {
        /// <summary>Whole value equals a pattern.</summary>
        Equals,
        /// <summary>Whole value matches a glob with <c>*</c> (any run) and <c>?</c> (one character); every other
        /// character is literal, a backslash too (no escapes: a literal <c>*</c> or <c>?</c> needs a Regex).</summary>
        Wildcard,
        /// <summary>Whole value matches a regular expression (anchored, as Lucene's regexp query is). Front ends
        /// translate Lucene regexp syntax at build time (EQL: Eql/LuceneRegex.cs), so the pattern held here is a
        /// .NET pattern, already wrapped as <c>^(?:...)$</c>, valid with RegexOptions.NonBacktracking |
        /// RegexOptions.CultureInvariant (so a rule's regex cannot backtrack catastrophically); with
        /// <see cref="StringMatchExpr.CaseInsensitive"/> the emitter adds RegexOptions.IgnoreCase.</summary>
        Regex,
        StartsWith,
        EndsWith,
        Contains,
    }

    /// <summary>Any value of <see cref="Target"/> matches any of <see cref="Patterns"/>.</summary>
    public sealed record StringMatchExpr(ValueExpr Target, StringMatchKind Kind, EquatableArray<string> Patterns, bool CaseInsensitive) : BoolExpr;

    public enum CompareOp
    {
        Equal,
        NotEqual,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
    }

    /// <summary>A comparison of two values of a comparable type; holds when any value pair satisfies it.</summary>
    public sealed record CompareExpr(ValueExpr Left, CompareOp Op, ValueExpr Right, bool CaseInsensitive) : BoolExpr;

    /// <summary>A text field analysed like Elasticsearch's standard analyzer: all tokens present (Phrase = false),
    /// or present consecutively in order (Phrase = true). Tokens are already analysed (lowercase).</summary>
    public sealed record TextMatchExpr(BoundField Field, EquatableArray<string> Tokens, bool Phrase) : BoolExpr;

    /// <summary>Some of the analysed <see cref="Tokens"/> occurs in the text field: the OR of one-word
    /// <see cref="TextMatchExpr"/>s on one field (KQL <c>field:(a or b)</c>), checked with one tokenization.</summary>
    public sealed record TextMatchAnyExpr(BoundField Field, EquatableArray<string> Tokens) : BoolExpr;

    /// <summary>A text field's analysed tokens (as in <see cref="TextMatchExpr"/>): some token of some value matches
    /// any of the glob <see cref="Patterns"/> (<c>*</c> any run, <c>?</c> one character), which are already lowercase.
    /// This is a wildcard query (KQL <c>message:foo*</c>, query-DSL <c>wildcard</c>) on a text field, whose terms are
    /// its tokens. Runtime: TextAnalysis.AnyTokenMatchesWildcard.</summary>
    public sealed record TextTokenWildcardExpr(BoundField Field, EquatableArray<string> Patterns) : BoolExpr;

    /// <summary>Any value of an ip-typed target lies in any of the CIDR ranges (a bare address is a /32 or /128).</summary>
    public sealed record CidrMatchExpr(ValueExpr Target, EquatableArray<string> Ranges) : BoolExpr;

    /// <summary>A boolean-valued expression (a function such as startsWith) used as a condition: holds when true.</summary>
    public sealed record ValueIsTrueExpr(ValueExpr Value) : BoolExpr;

    /// <summary>The value expression evaluates to a non-null value (for a field: <see cref="ExistsExpr"/> is used
    /// instead). Front ends with three-valued logic (EQL) use it to say "this comparison is false, not null".</summary>
    public sealed record NotNullExpr(ValueExpr Value) : BoolExpr;

    /// <summary>
    /// Some object of the nested field <see cref="Path"/> satisfies <see cref="Condition"/> on its own: Elasticsearch's
    /// <c>nested</c> query (KQL <c>path:{ ... }</c>), which indexes each object of a <c>nested</c> array as a separate
    /// hidden document. The condition's fields are full paths under <see cref="Path"/> (as in the query DSL); each is
    /// read from the one object being tested, not from the event's flattened leaves. A condition may hold another
    /// NestedExpr on a deeper nested path, tested on the objects inside that one object. An event with no object at
    /// the path does not satisfy it (so <c>not path:{...}</c> holds there).
    /// </summary>
    public sealed record NestedExpr(BoundField Path, BoolExpr Condition) : BoolExpr;

    // ---------------------------------------------------------------- value expressions

    public abstract record ValueExpr(IrType Type);

    public sealed record FieldExpr(BoundField Field) : ValueExpr(IrTypes.Of(Field.ValueKind));

    public sealed record LiteralExpr(IrType LiteralType, string? Text, long Integer, double Float, bool Boolean) : ValueExpr(LiteralType)
    {
        public static LiteralExpr Null { get; } = new LiteralExpr(IrType.Null, null, 0, 0, false);

        public static LiteralExpr String(string value) => new LiteralExpr(IrType.String, value, 0, 0, false);

        public static LiteralExpr Int(long value) => new LiteralExpr(IrType.Integer, null, value, 0, false);

        public static LiteralExpr Double(double value) => new LiteralExpr(IrType.Float, null, 0, value, false);

        public static LiteralExpr Bool(bool value) => new LiteralExpr(IrType.Boolean, null, 0, 0, value);
    }

    /// <summary>A function call (EQL functions: add, concat, length, substring ...). <see cref="CaseInsensitive"/> is the <c>~</c> variant.</summary>
    public sealed record CallExpr(string Function, EquatableArray<ValueExpr> Arguments, bool CaseInsensitive, IrType ResultType) : ValueExpr(ResultType);

    public enum ArithmeticOp
    {
        Add,
        Subtract,
        Multiply,
        Divide,
        Modulo,
        Negate,
    }

    public sealed record ArithmeticExpr(ArithmeticOp Op, ValueExpr Left, ValueExpr? Right, IrType ResultType) : ValueExpr(ResultType);

    public static class IrTypes
    {
        public static IrType Of(FieldValueKind kind) => kind switch
        {
            FieldValueKind.String or FieldValueKind.Text => IrType.String,
            FieldValueKind.Integer => IrType.Integer,
            FieldValueKind.Float => IrType.Float,
            FieldValueKind.Boolean => IrType.Boolean,
            FieldValueKind.Date => IrType.Date,
            FieldValueKind.Ip => IrType.Ip,
            _ => IrType.Other,
        };
    }
}
