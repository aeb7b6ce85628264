using System.Runtime.CompilerServices;

// The tests check that YAML source maps are exact (not the aligned fallback) on the whole corpus.
[assembly: InternalsVisibleTo("Rules.Tests")]
