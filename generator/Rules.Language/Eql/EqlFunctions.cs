using System;
using System.Collections.Generic;
using Rules.Language.Ir;

namespace Rules.Language.Eql
{
    /// <summary>What an EQL function argument accepts.</summary>
    internal enum EqlArgKind
    {
        /// <summary>string (keyword family or text).</summary>
        String,
        /// <summary>integer or float.</summary>
        Numeric,
        /// <summary>integer only.</summary>
        Integer,
        /// <summary>a boolean constant.</summary>
        BooleanConstant,
        /// <summary>an integer constant.</summary>
        IntegerConstant,
        /// <summary>an ip field or an address string.</summary>
        Ip,
        /// <summary>a string constant (a CIDR block).</summary>
        StringConstant,
        /// <summary>any scalar (string, number, boolean, date, ip).</summary>
        Scalar,
    }

    /// <summary>
    /// The signature of one function of the Elasticsearch EQL function reference
    /// (docs/reference/query-languages/eql/eql-function-ref.md). <see cref="Arguments"/> lists the parameter kinds;
    /// the last one repeats when <see cref="MaxArguments"/> is unbounded (-1).
    /// </summary>
    internal sealed class EqlFunctionSignature
    {
        public EqlFunctionSignature(string name, int minArguments, int maxArguments, bool hasInsensitiveVariant, IrType? resultType, params EqlArgKind[] arguments)
        {
            Name = name;
            MinArguments = minArguments;
            MaxArguments = maxArguments;
            HasInsensitiveVariant = hasInsensitiveVariant;
            FixedResultType = resultType;
            Arguments = arguments;
        }

        /// <summary>The canonical (camelCase) EQL name; the runtime method is its PascalCase form.</summary>
        public string Name { get; }

        public int MinArguments { get; }

        /// <summary>-1: unbounded.</summary>
        public int MaxArguments { get; }

        public bool HasInsensitiveVariant { get; }

        /// <summary>Null: numeric, integer when all numeric arguments are integers, float otherwise.</summary>
        public IrType? FixedResultType { get; }

        public EqlArgKind[] Arguments { get; }

        public EqlArgKind ArgumentKind(int index) => Arguments[Math.Min(index, Arguments.Length - 1)];

        public string ArityText => MaxArguments < 0
            ? $"at least {MinArguments}"
            : MinArguments == MaxArguments ? MinArguments.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{MinArguments} to {MaxArguments}";
    }

    internal static class EqlFunctionCatalog
    {
        private static readonly Dictionary<string, EqlFunctionSignature> ByName = Build();

        public static IEnumerable<string> Names
        {
            get
            {
                foreach (var signature in ByName.Values)
                {
                    yield return signature.Name;
                }
            }
        }

        /// <summary>Elasticsearch resolves function names case-insensitively (QL FunctionRegistry normalises them).</summary>
        public static bool TryGet(string name, out EqlFunctionSignature signature) =>
            ByName.TryGetValue(name.ToLowerInvariant(), out signature!);

        private static Dictionary<string, EqlFunctionSignature> Build()
        {
            var list = new[]
            {
                new EqlFunctionSignature("add", 2, 2, false, null, EqlArgKind.Numeric, EqlArgKind.Numeric),
                new EqlFunctionSignature("between", 3, 4, true, IrType.String, EqlArgKind.String, EqlArgKind.String, EqlArgKind.String, EqlArgKind.BooleanConstant),
                new EqlFunctionSignature("cidrMatch", 2, -1, false, IrType.Boolean, EqlArgKind.Ip, EqlArgKind.StringConstant),
                new EqlFunctionSignature("concat", 1, -1, false, IrType.String, EqlArgKind.Scalar),
                new EqlFunctionSignature("divide", 2, 2, false, null, EqlArgKind.Numeric, EqlArgKind.Numeric),
                new EqlFunctionSignature("endsWith", 2, 2, true, IrType.Boolean, EqlArgKind.String, EqlArgKind.String),
                new EqlFunctionSignature("indexOf", 2, 3, true, IrType.Integer, EqlArgKind.String, EqlArgKind.String, EqlArgKind.Integer),
                new EqlFunctionSignature("length", 1, 1, false, IrType.Integer, EqlArgKind.String),
                new EqlFunctionSignature("modulo", 2, 2, false, null, EqlArgKind.Numeric, EqlArgKind.Numeric),
                new EqlFunctionSignature("multiply", 2, 2, false, null, EqlArgKind.Numeric, EqlArgKind.Numeric),
                new EqlFunctionSignature("number", 1, 2, false, IrType.Float, EqlArgKind.String, EqlArgKind.IntegerConstant),
                new EqlFunctionSignature("startsWith", 2, 2, true, IrType.Boolean, EqlArgKind.String, EqlArgKind.String),
                new EqlFunctionSignature("string", 1, 1, false, IrType.String, EqlArgKind.Scalar),
                new EqlFunctionSignature("stringContains", 2, 2, true, IrType.Boolean, EqlArgKind.String, EqlArgKind.String),
                new EqlFunctionSignature("substring", 2, 3, false, IrType.String, EqlArgKind.String, EqlArgKind.Integer, EqlArgKind.Integer),
                new EqlFunctionSignature("subtract", 2, 2, false, null, EqlArgKind.Numeric, EqlArgKind.Numeric),
            };
            var map = new Dictionary<string, EqlFunctionSignature>(StringComparer.Ordinal);
            foreach (var signature in list)
            {
                map[signature.Name.ToLowerInvariant()] = signature;
            }

            return map;
        }
    }
}
