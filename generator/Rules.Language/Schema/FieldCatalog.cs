using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Rules.Language.Schema
{
    /// <summary>
    /// The fields a rule may name: the derived catalog (ECS 9.5 plus the integration fields the corpus uses, see
    /// generator/Rules.CatalogTool) plus any user schema. Immutable once built.
    /// </summary>
    public sealed class FieldCatalog
    {
        private static readonly Lazy<FieldCatalog> BuiltInCatalog = new Lazy<FieldCatalog>(LoadBuiltIn);
        private readonly Dictionary<string, FieldDefinition> _fields;

        public FieldCatalog(IEnumerable<FieldDefinition> fields)
        {
            _fields = new Dictionary<string, FieldDefinition>(StringComparer.Ordinal);
            foreach (var field in fields)
            {
                _fields[field.Path] = field;
            }
        }

        /// <summary>The catalog derived from the pinned schemas, embedded in this assembly.</summary>
        public static FieldCatalog BuiltIn => BuiltInCatalog.Value;

        public int Count => _fields.Count;

        public IEnumerable<FieldDefinition> Fields => _fields.Values;

        public bool TryGetField(string path, out FieldDefinition field) => _fields.TryGetValue(path, out field!);

        /// <summary>A catalog with extra fields; user fields replace built-in ones of the same name.</summary>
        public FieldCatalog With(IEnumerable<FieldDefinition> extra) => new FieldCatalog(_fields.Values.Concat(extra));

        /// <summary>Fields whose path matches a KQL field wildcard such as <c>process.*</c> or <c>*.name</c>.</summary>
        public IEnumerable<FieldDefinition> Expand(string pattern)
        {
            foreach (var field in _fields.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                if (Glob.IsMatch(pattern, field.Path, ignoreCase: false))
                {
                    yield return field;
                }
            }
        }

        /// <summary>
        /// Reads the tab-separated catalog: path, type, array (0/1), field set, source (ecs|integration|user), and for
        /// multi-fields two optional columns: the parent field and the normalizer.
        /// </summary>
        public static IEnumerable<FieldDefinition> ReadTsv(TextReader reader)
        {
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var parts = line.Split('\t');
                if (parts.Length < 5 || !FieldTypes.TryParse(parts[1], out var type))
                {
                    throw new InvalidDataException("Malformed field catalog line: " + line);
                }

                var source = parts[4] switch
                {
                    "ecs" => FieldSource.Ecs,
                    "user" => FieldSource.User,
                    _ => FieldSource.Integration,
                };
                yield return new FieldDefinition(parts[0], type, parts[2] == "1", parts[3], source)
                {
                    MultiFieldOf = parts.Length > 5 && parts[5].Length > 0 ? parts[5] : null,
                    Normalizer = parts.Length > 6 && parts[6].Length > 0 ? parts[6] : null,
                };
            }
        }

        private static FieldCatalog LoadBuiltIn()
        {
            using var stream = typeof(FieldCatalog).Assembly.GetManifestResourceStream("Rules.Language.fields.tsv");
            if (stream is null)
            {
                throw new InvalidOperationException("The embedded field catalog (Rules.Language.fields.tsv) is missing from " + typeof(FieldCatalog).Assembly.FullName);
            }

            using var reader = new StreamReader(stream);
            return new FieldCatalog(ReadTsv(reader).ToList());
        }
    }

    /// <summary>Glob matching with <c>*</c> (any run) and <c>?</c> (one character), linear time, no regex.</summary>
    public static class Glob
    {
        public static bool IsMatch(string pattern, string value, bool ignoreCase)
        {
            int p = 0, v = 0, starP = -1, starV = 0;
            while (v < value.Length)
            {
                if (p < pattern.Length && pattern[p] == '*')
                {
                    starP = p++;
                    starV = v;
                }
                else if (p < pattern.Length && (pattern[p] == '?' || CharEquals(pattern[p], value[v], ignoreCase)))
                {
                    p++;
                    v++;
                }
                else if (starP >= 0)
                {
                    p = starP + 1;
                    v = ++starV;
                }
                else
                {
                    return false;
                }
            }

            while (p < pattern.Length && pattern[p] == '*')
            {
                p++;
            }

            return p == pattern.Length;
        }

        private static bool CharEquals(char a, char b, bool ignoreCase) =>
            a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
    }
}
