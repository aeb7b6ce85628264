using System;
using System.Collections.Immutable;
using System.Linq;
using Rules.Language;
using Rules.Language.Diagnostics;
using Rules.Language.Schema;

namespace Rules.Generator.Model
{
    /// <summary>One user schema file (<c>&lt;DetectionSchema&gt;</c>) read: its fields and its errors.</summary>
    internal sealed record UserSchemaFile(string Path, EquatableArray<FieldDefinition> Fields, EquatableArray<RuleDiagnostic> Diagnostics);

    /// <summary>
    /// All user schema files merged, and the catalog rules bind against (built-in catalog plus user fields).
    /// Equality is by the user fields, so the catalog object is rebuilt only when a schema file changes.
    /// </summary>
    internal sealed class UserSchemaModel : IEquatable<UserSchemaModel>
    {
        private readonly Lazy<FieldCatalog> _catalog;

        private UserSchemaModel(EquatableArray<FieldDefinition> fields, EquatableArray<RuleDiagnostic> diagnostics)
        {
            Fields = fields;
            Diagnostics = diagnostics;
            _catalog = new Lazy<FieldCatalog>(() => fields.Count == 0 ? FieldCatalog.BuiltIn : FieldCatalog.BuiltIn.With(fields));
        }

        public EquatableArray<FieldDefinition> Fields { get; }

        public EquatableArray<RuleDiagnostic> Diagnostics { get; }

        public FieldCatalog Catalog => _catalog.Value;

        public static UserSchemaFile Read(string path, string text)
        {
            var result = UserSchemaReader.Read(path, text);
            return new UserSchemaFile(path, result.Fields.ToEquatableArray(), result.Diagnostics.ToEquatableArray());
        }

        public static UserSchemaModel Merge(ImmutableArray<UserSchemaFile> files)
        {
            var ordered = files.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
            return new UserSchemaModel(
                ordered.SelectMany(f => f.Fields).ToEquatableArray(),
                ordered.SelectMany(f => f.Diagnostics).ToEquatableArray());
        }

        public bool Equals(UserSchemaModel? other) =>
            other is not null && Fields.Equals(other.Fields) && Diagnostics.Equals(other.Diagnostics);

        public override bool Equals(object? obj) => Equals(obj as UserSchemaModel);

        public override int GetHashCode() => Fields.GetHashCode();
    }
}
