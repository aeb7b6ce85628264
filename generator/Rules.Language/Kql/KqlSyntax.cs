using System.Text;

namespace Rules.Language.Kql
{
    // The KQL syntax tree, shaped like Kibana's kuery AST (kbn-es-query/src/kuery): a field-scoped value list such as
    // `f:(a or b)` is distributed into `or(is(f,a), is(f,b))` by the parser, exactly as Kibana's grammar does.
    // Start and Length are offsets in the query string (QuerySource.Locate maps them to the rule file).

    /// <summary>A parsed KQL query: the root node, or null for an empty query (Kibana: match all).</summary>
    public sealed record KqlQuery(KqlNode? Root);

    public abstract record KqlNode(int Start, int Length);

    public sealed record KqlOr(EquatableArray<KqlNode> Operands, int Start, int Length) : KqlNode(Start, Length);

    public sealed record KqlAnd(EquatableArray<KqlNode> Operands, int Start, int Length) : KqlNode(Start, Length);

    public sealed record KqlNot(KqlNode Operand, int Start, int Length) : KqlNode(Start, Length);

    /// <summary><c>path:{ query }</c>: the query applies to one object of the nested field <see cref="Path"/>.</summary>
    public sealed record KqlNested(KqlLiteral Path, KqlNode Query, int Start, int Length) : KqlNode(Start, Length);

    /// <summary><c>field:value</c>; <see cref="Field"/> is null for a value with no field (search all fields).</summary>
    public sealed record KqlIs(KqlLiteral? Field, KqlLiteral Value, int Start, int Length) : KqlNode(Start, Length);

    public enum KqlRangeOperator
    {
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
    }

    /// <summary><c>field &lt; value</c> and the other range operators.</summary>
    public sealed record KqlRange(KqlLiteral Field, KqlRangeOperator Operator, KqlLiteral Value, int Start, int Length) : KqlNode(Start, Length);

    public enum KqlLiteralKind
    {
        /// <summary>A string (quoted, or unquoted without wildcards).</summary>
        String,
        /// <summary>Unquoted text with at least one unescaped <c>*</c>.</summary>
        Wildcard,
        /// <summary>Unquoted <c>null</c>.</summary>
        Null,
        /// <summary>Unquoted <c>true</c> or <c>false</c>.</summary>
        Boolean,
    }

    /// <summary>
    /// A field name or value after escapes are undone. A wildcard literal is held as the literal text between its
    /// unescaped <c>*</c>s (<see cref="Segments"/>; n wildcards give n+1 segments), so an escaped <c>\*</c> stays a
    /// literal star. <see cref="Text"/> is the literal text for non-wildcards.
    /// </summary>
    public sealed record KqlLiteral(KqlLiteralKind Kind, EquatableArray<string> Segments, bool IsQuoted, int Start, int Length) : KqlNode(Start, Length)
    {
        public bool IsWildcard => Kind == KqlLiteralKind.Wildcard;

        /// <summary>The value with wildcards shown as <c>*</c> (for messages; ambiguous with literal stars).</summary>
        public string Text
        {
            get
            {
                if (Segments.Count == 1)
                {
                    return Segments[0];
                }

                var builder = new StringBuilder();
                for (var i = 0; i < Segments.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append('*');
                    }

                    builder.Append(Segments[i]);
                }

                return builder.ToString();
            }
        }

        /// <summary>A lone <c>*</c>: as a value, the exists query; as a field, all fields.</summary>
        public bool IsLoneWildcard => Kind == KqlLiteralKind.Wildcard && Segments.Count == 2 && Segments[0].Length == 0 && Segments[1].Length == 0;
    }
}
