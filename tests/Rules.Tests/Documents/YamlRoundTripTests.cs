using System.Globalization;
using System.Text;
using Rules.Language;
using Rules.Language.Documents;
using Rules.Language.Text;
using Rules.Language.Toml;
using Rules.Language.Yaml;
using Xunit.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Rules.Tests.Documents;

/// <summary>
/// Writes every corpus rule as YAML (YamlDotNet's emitter, rotating scalar styles: literal blocks, plain, single and
/// double quoted), reads it back with <see cref="YamlReader"/> and <see cref="RuleFileReader"/>, and checks that the
/// tree and the rule are the same as from TOML and that every string's source map points at its characters.
/// </summary>
public class YamlRoundTripTests
{
    private readonly ITestOutputHelper _output;

    public YamlRoundTripTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Corpus_rules_written_as_yaml_read_back_to_the_same_rule()
    {
        var files = Directory.GetFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        var failures = new StringBuilder();
        var checkedCharacters = 0L;
        var same = 0;
        var exactStrings = 0;
        foreach (var file in files)
        {
            var tomlText = File.ReadAllText(file);
            var toml = RuleFileReader.Read(file, tomlText);
            Assert.NotNull(toml.Rule);
            var yamlPath = Path.ChangeExtension(file, ".yml");
            var yamlText = ToYaml(toml.Tree!, NewStyleRotation());
            var yaml = RuleFileReader.Read(yamlPath, yamlText);
            if (yaml.Rule is null)
            {
                failures.AppendLine(file + ": " + string.Join("; ", yaml.Diagnostics));
                continue;
            }

            if (DocJson.Write(yaml.Tree!, out _) != DocJson.Write(toml.Tree!, out _))
            {
                failures.AppendLine(file + ": the YAML tree differs from the TOML tree");
                continue;
            }

            var expected = toml.Rule! with { FilePath = yamlPath, QuerySpan = default, QuerySourceMap = null, Filters = Unlocated(toml.Rule!.Filters) };
            var actual = yaml.Rule with { QuerySpan = default, QuerySourceMap = null, Filters = Unlocated(yaml.Rule.Filters) };
            if (expected != actual)
            {
                failures.AppendLine(file + ": the rule read from YAML differs from the rule read from TOML");
                continue;
            }

            var mapProblem = CheckSourceMaps(yaml.Tree!, yamlText, ref checkedCharacters);
            if (mapProblem != null)
            {
                failures.AppendLine(file + ": " + mapProblem);
                continue;
            }

            var (exact, total) = CountExactMaps(yamlText);
            if (exact != total)
            {
                failures.AppendLine($"{file}: {total - exact} of {total} YAML strings got an approximate source map");
                continue;
            }

            exactStrings += exact;
            same++;
        }

        _output.WriteLine($"YAML round trip: {same}/{files.Length} rules; {checkedCharacters} string characters mapped back to their file position; {exactStrings} string scalars, all mapped exactly");
        Assert.True(failures.Length == 0, failures.ToString());
    }

    /// <summary>How many string scalars of the YAML text get an exact map (re-read by style), of how many.</summary>
    internal static (int Exact, int Total) CountExactMaps(string yamlText)
    {
        var parser = new Parser(new StringReader(yamlText));
        var exact = 0;
        var total = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is Scalar { Style: not ScalarStyle.Plain } or Scalar { Style: ScalarStyle.Plain, Value.Length: > 0 } && parser.Current is Scalar scalar)
            {
                total++;
                if (YamlScalarMapper.TryMapExactly(yamlText, scalar, (int)scalar.Start.Index, (int)scalar.End.Index, out _))
                {
                    exact++;
                }
            }
        }

        return (exact, total);
    }

    private static EquatableArray<RuleFilter> Unlocated(EquatableArray<RuleFilter> filters) =>
        filters.Select(f => f with { Span = default }).ToEquatableArray();

    /// <summary>Every string character maps to a file position that holds it (or, for an escape, the backslash that writes it).</summary>
    internal static string? CheckSourceMaps(DocNode node, string text, ref long count)
    {
        switch (node)
        {
            case DocTable table:
                foreach (var entry in table.Entries)
                {
                    if (text.Substring(entry.KeySpan.Start, entry.KeySpan.Length).Trim('"', '\'') != entry.Key && !text.Substring(entry.KeySpan.Start, entry.KeySpan.Length).Contains('\\'))
                    {
                        return $"key span of '{entry.Key}' is {entry.KeySpan}";
                    }

                    var problem = CheckSourceMaps(entry.Value, text, ref count);
                    if (problem != null)
                    {
                        return problem;
                    }
                }

                return null;
            case DocArray array:
                foreach (var item in array.Items)
                {
                    var problem = CheckSourceMaps(item, text, ref count);
                    if (problem != null)
                    {
                        return problem;
                    }
                }

                return null;
            case DocScalar { Kind: DocNodeKind.String } scalar:
            {
                var value = scalar.AsString!;
                var map = scalar.SourceMap!;
                var previous = -1;
                for (var i = 0; i < value.Length; i++)
                {
                    var at = map.MapOffset(i);
                    if (at < scalar.Span.Start || at >= scalar.Span.End || at < previous)
                    {
                        return $"character {i} of a string at {scalar.Span} maps to {at}, outside the string or backwards";
                    }

                    previous = at;
                    var c = value[i];
                    var ok = text[at] == c || text[at] == '\\'
                        || (c == ' ' && (text[at] == '\n' || text[at] == '\r'))
                        || (c == '\n' && text[at] == '\r');
                    if (!ok)
                    {
                        return $"character {i} ('{c}') of a string at {scalar.Span} maps to '{text[at]}' at {at}";
                    }

                    count++;
                }

                return null;
            }

            default:
                return null;
        }
    }

    internal static object NewStyleRotation() => new StyleRotation();

    private sealed class StyleRotation
    {
        private int _next;

        public ScalarStyle Next()
        {
            var styles = new[] { ScalarStyle.Plain, ScalarStyle.DoubleQuoted, ScalarStyle.SingleQuoted, ScalarStyle.Folded };
            return styles[_next++ % styles.Length];
        }
    }

    internal static string ToYaml(DocTable root, object rotation)
    {
        var writer = new StringWriter();
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        EmitNode(emitter, root, (StyleRotation)rotation);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    /// <summary>Plain scalars the YAML 1.2 core schema reads as null, bool, int or float.</summary>
    private static readonly System.Text.RegularExpressions.Regex CoreSchemaNonString = new(
        @"^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN)$");

    private static void EmitNode(IEmitter emitter, DocNode node, StyleRotation rotation)
    {
        switch (node)
        {
            case DocTable table:
                emitter.Emit(new MappingStart());
                foreach (var entry in table.Entries)
                {
                    emitter.Emit(new Scalar(entry.Key));
                    EmitNode(emitter, entry.Value, rotation);
                }

                emitter.Emit(new MappingEnd());
                break;
            case DocArray array:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Any));
                foreach (var item in array.Items)
                {
                    EmitNode(emitter, item, rotation);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case DocScalar scalar:
                switch (scalar.Kind)
                {
                    case DocNodeKind.String:
                    {
                        var value = scalar.AsString!;
                        // Multi-line text as literal blocks; the rest rotates styles. Plain only where it stays a string.
                        var style = value.Contains('\n') ? (rotation.Next() == ScalarStyle.Folded ? ScalarStyle.Folded : ScalarStyle.Literal) : rotation.Next();
                        if ((style == ScalarStyle.Folded && !value.Contains('\n')) || (style == ScalarStyle.Plain && CoreSchemaNonString.IsMatch(value)))
                        {
                            style = ScalarStyle.DoubleQuoted;
                        }

                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, style == ScalarStyle.Plain, style != ScalarStyle.Plain));
                        break;
                    }

                    case DocNodeKind.Integer:
                        emitter.Emit(new Scalar(((long)scalar.Value!).ToString(CultureInfo.InvariantCulture)));
                        break;
                    case DocNodeKind.Float:
                        emitter.Emit(new Scalar(((double)scalar.Value!).ToString("R", CultureInfo.InvariantCulture)));
                        break;
                    case DocNodeKind.Boolean:
                        emitter.Emit(new Scalar((bool)scalar.Value! ? "true" : "false"));
                        break;
                    default:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, scalar.Value?.ToString() ?? "", ScalarStyle.DoubleQuoted, false, true));
                        break;
                }

                break;
        }
    }
}
