using Rules.CatalogTool;

namespace Rules.Tests.FieldCatalogTool;

/// <summary>One in-process derivation shared by the catalog tests (it reads ~500 KB of gzipped schemas).</summary>
internal static class DerivedCatalog
{
    private static readonly Lazy<DerivedFiles> Derived = new(() => CatalogDerivation.Derive(
        TestPaths.Schemas,
        Path.Combine(TestPaths.RepoRoot, CatalogDerivation.SupplementalRelativePath)));

    public static DerivedFiles Value => Derived.Value;
}
