namespace Rules.Language.Diagnostics
{
    /// <summary>
    /// Every diagnostic the compiler reports. Ids are stable; ranges by layer:
    /// DR1xxx file format (TOML, YAML), DR2xxx rule schema, DR3xxx EQL, DR4xxx KQL, DR5xxx query-DSL filters,
    /// DR6xxx schema binding and types, DR7xxx unsupported features, DR8xxx user schema files, DR9xxx the compiler.
    /// Each is documented with an example in docs/diagnostics.md.
    /// </summary>
    public static class DiagnosticIds
    {
        private const string FileFormat = "Rules.FileFormat";
        private const string RuleSchema = "Rules.RuleSchema";
        private const string Eql = "Rules.Eql";
        private const string Kql = "Rules.Kql";
        private const string Dsl = "Rules.QueryDsl";
        private const string Binding = "Rules.Binding";
        private const string Unsupported = "Rules.Unsupported";
        private const string UserSchema = "Rules.UserSchema";

        // DR1xxx: file format
        public static readonly DiagnosticDescriptor TomlSyntax = new DiagnosticDescriptor("DR1001", "Invalid TOML", FileFormat, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor TomlDuplicateKey = new DiagnosticDescriptor("DR1002", "Duplicate TOML key or table", FileFormat, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor YamlSyntax = new DiagnosticDescriptor("DR1101", "Invalid YAML", FileFormat, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor UnknownRuleFileExtension = new DiagnosticDescriptor("DR1201", "Unknown rule file kind", FileFormat, RuleDiagnosticSeverity.Error);

        // DR2xxx: rule schema
        public static readonly DiagnosticDescriptor MissingRequiredKey = new DiagnosticDescriptor("DR2001", "Missing required rule key", RuleSchema, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor WrongValueKind = new DiagnosticDescriptor("DR2002", "Rule key has the wrong kind of value", RuleSchema, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor InvalidValue = new DiagnosticDescriptor("DR2003", "Invalid rule value", RuleSchema, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor DuplicateRuleId = new DiagnosticDescriptor("DR2004", "Duplicate rule id", RuleSchema, RuleDiagnosticSeverity.Error);

        // DR3xxx: EQL
        public static readonly DiagnosticDescriptor EqlSyntax = new DiagnosticDescriptor("DR3001", "EQL syntax error", Eql, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor EqlUnknownFunction = new DiagnosticDescriptor("DR3002", "Unknown EQL function", Eql, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor EqlWrongArgumentCount = new DiagnosticDescriptor("DR3003", "Wrong number of function arguments", Eql, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor EqlInvalidPattern = new DiagnosticDescriptor("DR3004", "Invalid pattern", Eql, RuleDiagnosticSeverity.Error);

        // DR4xxx: KQL
        public static readonly DiagnosticDescriptor KqlSyntax = new DiagnosticDescriptor("DR4001", "KQL syntax error", Kql, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor KqlNeverMatches = new DiagnosticDescriptor("DR4002", "KQL condition never matches", Kql, RuleDiagnosticSeverity.Warning);
        public static readonly DiagnosticDescriptor KqlNestedFieldOutsideNestedQuery = new DiagnosticDescriptor("DR4003", "Field of nested objects queried outside its nested query", Kql, RuleDiagnosticSeverity.Warning);

        // DR5xxx: query-DSL filters
        public static readonly DiagnosticDescriptor DslInvalid = new DiagnosticDescriptor("DR5001", "Invalid query-DSL filter", Dsl, RuleDiagnosticSeverity.Error);

        // DR6xxx: schema binding and types
        public static readonly DiagnosticDescriptor UnknownField = new DiagnosticDescriptor("DR6001", "Unknown field", Binding, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor TypeMismatch = new DiagnosticDescriptor("DR6002", "Type mismatch", Binding, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor InvalidValueForFieldType = new DiagnosticDescriptor("DR6003", "Value is not valid for the field's type", Binding, RuleDiagnosticSeverity.Error);

        // DR7xxx: unsupported features
        public static readonly DiagnosticDescriptor UnsupportedRuleType = new DiagnosticDescriptor("DR7001", "Rule type not supported", Unsupported, RuleDiagnosticSeverity.Warning);
        public static readonly DiagnosticDescriptor UnsupportedFeature = new DiagnosticDescriptor("DR7002", "Query feature not supported", Unsupported, RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor UnsupportedLanguage = new DiagnosticDescriptor("DR7003", "Query language not supported", Unsupported, RuleDiagnosticSeverity.Error);

        // DR8xxx: user schema files
        public static readonly DiagnosticDescriptor UserSchemaInvalid = new DiagnosticDescriptor("DR8001", "Invalid schema file", UserSchema, RuleDiagnosticSeverity.Error);

        // DR9xxx: the compiler itself
        public static readonly DiagnosticDescriptor InternalError = new DiagnosticDescriptor("DR9001", "Internal compiler error", "Rules.Compiler", RuleDiagnosticSeverity.Error);
        public static readonly DiagnosticDescriptor DuplicateClassName = new DiagnosticDescriptor("DR9002", "Two rules compile to the same class name", "Rules.Compiler", RuleDiagnosticSeverity.Error);
    }
}
