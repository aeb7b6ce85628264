namespace Rules.Runtime;

/// <summary>
/// How a field's values are held; mirrors Rules.Language's FieldValueKind (the runtime does not reference the language
/// core). String, Text and Ip are held as strings, Integer as long, Float as double, Date as DateTimeOffset, Other
/// (object, flattened, geo_point, nested, binary) as raw JSON text.
/// </summary>
public enum OverflowKind
{
    String,
    Text,
    Integer,
    Float,
    Boolean,
    Date,
    Ip,
    Other,
}

/// <summary>
/// One ECS leaf field of <see cref="EcsEvent"/>: its dotted path, value kind, whether it holds an array, and whether
/// its value is an object whose keys are themselves queryable fields (ECS types object and flattened, e.g. labels.env).
/// </summary>
internal readonly record struct EcsField(string Path, OverflowKind Kind, bool IsArray, bool HasSubfields = false);

/// <summary>
/// A multi-field of an ECS leaf (process.name.caseless of process.name): Elasticsearch indexes the parent's value into it,
/// lowercased when <paramref name="Lowercase"/> (the lowercase normalizer). Documents never carry it.
/// </summary>
internal readonly record struct EcsMultiField(int ParentId, string Path, bool Lowercase);
