using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Rules.Runtime.Reading;

internal enum ParseOutcome
{
    Event,
    Empty,
    Bad,
}

/// <summary>
/// Fills an <see cref="EcsEvent"/> from one JSON document (one NDJSON line). Keys are decoded into one reused char
/// buffer holding the dotted path, and looked up without allocating (frozen dictionary / concurrent dictionary alternate
/// lookups on ReadOnlySpan&lt;char&gt;). Nested objects and dotted keys are the same path; arrays of objects are flattened
/// into their leaves as Elasticsearch does for object fields. Values are converted to the field's type with
/// Elasticsearch's coercion rules (<see cref="ValueCoercion"/>); what does not convert is kept as raw JSON in overflow.
/// </summary>
internal sealed partial class EventDocumentParser
{
    private static readonly UTF8Encoding Utf8 = new(false, false);
    private static readonly OverflowField?[] EcsOverflowFields = new OverflowField?[EcsFieldTable.Count];

    private readonly EventReaderOptions _options;
    private readonly ReadStatistics _statistics;
    private readonly PendingValues?[] _pending = new PendingValues?[EcsFieldTable.Count];
    private readonly List<int> _touched = new();
    private List<(OverflowField Field, bool Lowercase)>?[] _multiFieldsByParent = new List<(OverflowField, bool)>?[EcsFieldTable.Count];
    private int _declaredVersionSeen = -1;
    private char[] _path = new char[256];
    private char[] _scratch = new char[128];
    private EcsEvent _event = null!;

    public EventDocumentParser(EventReaderOptions options, ReadStatistics statistics)
    {
        _options = options;
        _statistics = statistics;
    }

    private sealed class DepthExceededException : Exception
    {
    }

    /// <summary>A converted JSON value: its kind decides which member holds it; Raw means "keep as JSON text".</summary>
    private struct Converted
    {
        public OverflowKind Kind;
        public bool IsRaw;
        public bool IsBad;
        public string? Text;
        public long Integer;
        public double Float;
        public bool Boolean;
        public DateTimeOffset Date;
    }

    /// <summary>ECS values gathered over the whole document, assigned to the record when the document is complete.</summary>
    private sealed class PendingValues
    {
        public readonly List<Converted> Values = new();
        public readonly List<string> BadRaw = new();
        public bool SawArray;
        public bool Touched;

        public void Clear()
        {
            Values.Clear();
            BadRaw.Clear();
            SawArray = false;
            Touched = false;
        }
    }

    public ParseOutcome Parse(ReadOnlySpan<byte> line, EcsEvent target, bool isLastLineWithoutNewline, out BadLineReason reason, out string message)
    {
        reason = default;
        message = "";
        line = Trim(line);
        if (line.Length == 0)
        {
            return ParseOutcome.Empty;
        }

        target.Clear();
        _event = target;
        ResetPending();
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = _options.MaxDepth + 1, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                while (reader.Read())
                {
                }

                reason = BadLineReason.NotAnObject;
                message = "the line is valid JSON but a " + reader.TokenType switch
                {
                    JsonTokenType.EndArray => "array",
                    JsonTokenType.String => "string",
                    JsonTokenType.Number => "number",
                    JsonTokenType.True or JsonTokenType.False => "boolean",
                    _ => "null",
                } + ", not an object";
                return ParseOutcome.Bad;
            }

            ReadObject(ref reader, line, 0, inArray: false, derived: false);
            while (reader.Read())
            {
                // Throws on any content after the object.
            }

            Finish();
            _statistics.AddBadValues(target.Overflow.BadValueCount);
            return ParseOutcome.Event;
        }
        catch (DepthExceededException)
        {
            reason = BadLineReason.TooDeep;
            message = $"nested deeper than {_options.MaxDepth} levels";
        }
        catch (JsonException e)
        {
            reason = isLastLineWithoutNewline ? BadLineReason.Truncated : BadLineReason.InvalidJson;
            message = (isLastLineWithoutNewline ? "the input ends inside this line: " : "") + e.Message;
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString reports invalid UTF-8 inside a string this way.
            reason = BadLineReason.InvalidJson;
            message = e.Message;
        }

        ResetPending();
        target.Clear();
        return ParseOutcome.Bad;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("\uFEFF"u8))
        {
            line = line.Slice(3);
        }

        var start = 0;
        var end = line.Length;
        while (start < end && IsSpace(line[start]))
        {
            start++;
        }

        while (end > start && IsSpace(line[end - 1]))
        {
            end--;
        }

        return line.Slice(start, end - start);

        static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
    }

    private void ResetPending()
    {
        foreach (var id in _touched)
        {
            _pending[id]!.Clear();
        }

        _touched.Clear();
    }

    /// <param name="derived">True while re-reading the inside of an object kept whole as raw JSON (labels): the leaves
    /// are indexed for queries such as labels.env but the writer leaves them out, since the raw object holds them.</param>
    private void ReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int pathLength, bool inArray, bool derived)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var keyEnd = AppendKey(ref reader, pathLength);
            reader.Read();
            ReadValue(ref reader, line, keyEnd, inArray, derived);
        }
    }

    private int AppendKey(ref Utf8JsonReader reader, int pathLength)
    {
        var needed = pathLength + 1 + (reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length);
        if (needed > _path.Length)
        {
            Array.Resize(ref _path, Math.Max(needed, _path.Length * 2));
        }

        var position = pathLength;
        if (pathLength > 0)
        {
            _path[position++] = '.';
        }

        return position + reader.CopyString(_path.AsSpan(position));
    }

    private void ReadValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int pathLength, bool inArray, bool derived)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                CheckDepth(ref reader);
                if (HoldsRawJson(_path.AsSpan(0, pathLength), out var hasSubfields))
                {
                    var objectStart = reader; // a copy positioned at '{', to read the inside a second time
                    var raw = CaptureRaw(ref reader, line);
                    AddRawValue(pathLength, raw, inArray, derived);
                    if (hasSubfields)
                    {
                        ReadObject(ref objectStart, line, pathLength, inArray, derived: true);
                    }
                }
                else
                {
                    var nestedObject = OpenNestedObject(pathLength);
                    ReadObject(ref reader, line, pathLength, inArray, derived);
                    CloseNestedObject(nestedObject);
                }

                break;
            case JsonTokenType.StartArray:
                CheckDepth(ref reader);
                var elements = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    elements++;
                    ReadValue(ref reader, line, pathLength, inArray: true, derived);
                }

                if (elements == 0)
                {
                    AddEmptyArray(pathLength, derived);
                }

                break;
            case JsonTokenType.Null:
                // Elasticsearch indexes null as "no value", unless the mapping sets null_value (user schemas only).
                AddNullValue(pathLength, inArray, derived);
                break;
            default:
                AddScalar(ref reader, line, pathLength, inArray, derived);
                break;
        }
    }

    private void CheckDepth(ref Utf8JsonReader reader)
    {
        if (reader.CurrentDepth + 1 > _options.MaxDepth)
        {
            throw new DepthExceededException();
        }
    }

    /// <summary>
    /// ECS fields of kind Other (labels, flattened, geo_point ...) and overflow fields declared Other keep objects as
    /// JSON text. Those of ECS type object or flattened, and declared overflow ones, also have queryable sub-fields.
    /// </summary>
    private static bool HoldsRawJson(ReadOnlySpan<char> path, out bool hasSubfields)
    {
        if (EcsFieldTable.TryGetId(path, out var id))
        {
            var field = EcsFieldTable.All[id];
            hasSubfields = field.HasSubfields;
            return field.Kind == OverflowKind.Other;
        }

        hasSubfields = true;
        return OverflowFieldRegistry.TryGet(path, out var overflowField) && OverflowFieldRegistry.StorageKind(overflowField.Slot) == OverflowKind.Other;
    }

    private string CaptureRaw(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
    {
        var start = (int)reader.TokenStartIndex;
        var depth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                CheckDepth(ref reader);
            }
            else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == depth)
            {
                break;
            }
        }

        return Utf8.GetString(line.Slice(start, (int)reader.BytesConsumed - start));
    }

    private static string RawToken(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
    {
        var start = (int)reader.TokenStartIndex;
        return Utf8.GetString(line.Slice(start, (int)reader.BytesConsumed - start));
    }

    private enum Target
    {
        Ecs,
        Overflow,
        Unregistered,
    }

    private Target Resolve(int pathLength, OverflowKind inferredKind, out int id, out OverflowField field)
    {
        var path = _path.AsSpan(0, pathLength);
        field = default;
        if (EcsFieldTable.TryGetId(path, out id))
        {
            return Target.Ecs;
        }

        if (OverflowFieldRegistry.TryGet(path, out field))
        {
            return Target.Overflow;
        }

        if (OverflowFieldRegistry.Count < _options.MaxRegisteredFields)
        {
            field = OverflowFieldRegistry.GetOrAddInferred(path, inferredKind);
            return Target.Overflow;
        }

        return Target.Unregistered;
    }

    private PendingValues Pending(int id)
    {
        var pending = _pending[id] ??= new PendingValues();
        if (!pending.Touched)
        {
            pending.Touched = true;
            _touched.Add(id);
        }

        return pending;
    }

    private void AddScalar(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, int pathLength, bool inArray, bool derived)
    {
        var target = Resolve(pathLength, InferKind(ref reader), out var id, out var field);
        switch (target)
        {
            case Target.Ecs:
            {
                var converted = Convert(ref reader, line, EcsFieldTable.All[id].Kind);
                var pending = Pending(id);
                pending.SawArray |= inArray;
                if (converted.IsBad)
                {
                    pending.BadRaw.Add(converted.Text!);
                }
                else
                {
                    pending.Values.Add(converted);
                }

                break;
            }

            case Target.Overflow:
            {
                var values = _event.Overflow.ForWriting(field.Slot);
                values.NoteSource(derived);
                values.IsArray |= inArray;
                var converted = values.StoredKind == OverflowKind.Date && OverflowFieldRegistry.DateFormatOf(field.Slot) is { } format
                    ? ConvertFormattedDate(ref reader, line, format)
                    : Convert(ref reader, line, values.StoredKind);
                Store(values, converted);
                break;
            }

            default:
                _event.Overflow.AddUnregistered(_path.AsSpan(0, pathLength).ToString(), RawToken(ref reader, line));
                _statistics.AddUnregisteredField();
                break;
        }
    }

    private void AddRawValue(int pathLength, string raw, bool inArray, bool derived)
    {
        var converted = new Converted { Kind = OverflowKind.Other, IsRaw = true, Text = raw };
        switch (Resolve(pathLength, OverflowKind.Other, out var id, out var field))
        {
            case Target.Ecs:
                var pending = Pending(id);
                pending.SawArray |= inArray;
                pending.Values.Add(converted);
                break;
            case Target.Overflow:
                var values = _event.Overflow.ForWriting(field.Slot);
                values.NoteSource(derived);
                values.IsArray |= inArray;
                Store(values, converted);
                break;
            default:
                _event.Overflow.AddUnregistered(_path.AsSpan(0, pathLength).ToString(), raw);
                _statistics.AddUnregisteredField();
                break;
        }
    }

    private void AddEmptyArray(int pathLength, bool derived)
    {
        switch (Resolve(pathLength, OverflowKind.String, out var id, out var field))
        {
            case Target.Ecs:
                Pending(id).SawArray = true;
                break;
            case Target.Overflow:
                var values = _event.Overflow.ForWriting(field.Slot);
                values.NoteSource(derived);
                values.IsArray = true;
                break;
            default:
                _event.Overflow.AddUnregistered(_path.AsSpan(0, pathLength).ToString(), "[]");
                _statistics.AddUnregisteredField();
                break;
        }
    }

    /// <summary>The kind a new overflow field gets from its first value, as Elasticsearch dynamic mapping would choose.</summary>
    private static OverflowKind InferKind(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.TryGetInt64(out _) ? OverflowKind.Integer : OverflowKind.Float,
        JsonTokenType.True or JsonTokenType.False => OverflowKind.Boolean,
        _ => OverflowKind.String,
    };

    private static void Store(OverflowValues values, in Converted converted)
    {
        if (converted.IsRaw || converted.IsBad)
        {
            values.AddRaw(converted.Text!, converted.IsBad);
            return;
        }

        switch (converted.Kind)
        {
            case OverflowKind.Integer:
                values.AppendStoredInteger(converted.Integer);
                break;
            case OverflowKind.Float:
                values.AppendStoredFloat(converted.Float);
                break;
            case OverflowKind.Boolean:
                values.AppendStoredBoolean(converted.Boolean);
                break;
            case OverflowKind.Date:
                values.AppendStoredDate(converted.Date);
                break;
            default:
                values.AppendStoredString(converted.Text!);
                break;
        }
    }

    /// <summary>A user schema's null_value: an explicit null is indexed as that value (null-value.html).</summary>
    private void AddNullValue(int pathLength, bool inArray, bool derived)
    {
        if (OverflowFieldRegistry.TryGetNullValue(_path.AsSpan(0, pathLength), out var json))
        {
            var substitute = new Utf8JsonReader(json);
            substitute.Read();
            AddScalar(ref substitute, json, pathLength, inArray, derived);
        }
    }

    /// <summary>A date in a field whose user schema gives a format: only that format parses it, as in Elasticsearch.</summary>
    private Converted ConvertFormattedDate(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, Matching.JavaDateFormat format)
    {
        var result = new Converted { Kind = OverflowKind.Date };
        var ok = reader.TokenType switch
        {
            JsonTokenType.String => format.TryParse(StringChars(ref reader), out result.Date),
            JsonTokenType.Number => format.TryParse(NumberChars(ref reader), out result.Date),
            _ => false,
        };
        if (!ok)
        {
            result.IsBad = true;
            result.Text = RawToken(ref reader, line);
        }

        return result;
    }

    /// <summary>A number token's text (ASCII), in the reused buffer: a formatted date field parses numbers as text.</summary>
    private ReadOnlySpan<char> NumberChars(ref Utf8JsonReader reader)
    {
        var bytes = reader.ValueSpan;
        if (bytes.Length > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(bytes.Length, _scratch.Length * 2));
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            _scratch[i] = (char)bytes[i];
        }

        return _scratch.AsSpan(0, bytes.Length);
    }

    /// <summary>Converts the current scalar token to <paramref name="kind"/> with Elasticsearch's coercion rules.</summary>
    private Converted Convert(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, OverflowKind kind)
    {
        var result = new Converted { Kind = kind };
        var ok = true;
        switch (kind)
        {
            case OverflowKind.Other:
                result.IsRaw = true;
                result.Text = RawToken(ref reader, line);
                return result;
            case OverflowKind.String or OverflowKind.Text or OverflowKind.Ip:
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        result.Text = reader.GetString();
                        break;
                    case JsonTokenType.Number when kind != OverflowKind.Ip:
                        // A number in a keyword field is indexed as its text as written.
                        result.Text = Utf8.GetString(reader.ValueSpan);
                        break;
                    case JsonTokenType.True or JsonTokenType.False when kind != OverflowKind.Ip:
                        result.Text = reader.TokenType == JsonTokenType.True ? "true" : "false";
                        break;
                    default:
                        ok = false;
                        break;
                }

                break;
            case OverflowKind.Integer:
                ok = reader.TokenType switch
                {
                    JsonTokenType.Number => reader.TryGetInt64(out result.Integer)
                        || (reader.TryGetDouble(out var real) && ValueCoercion.TryIntegerFromFloat(real, out result.Integer)),
                    JsonTokenType.String => ValueCoercion.TryInteger(StringChars(ref reader), out result.Integer),
                    _ => false,
                };
                break;
            case OverflowKind.Float:
                ok = reader.TokenType switch
                {
                    JsonTokenType.Number => reader.TryGetDouble(out result.Float) && double.IsFinite(result.Float),
                    JsonTokenType.String => ValueCoercion.TryFloat(StringChars(ref reader), out result.Float),
                    _ => false,
                };
                break;
            case OverflowKind.Boolean:
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    result.Boolean = reader.TokenType == JsonTokenType.True;
                }
                else
                {
                    ok = reader.TokenType == JsonTokenType.String && ValueCoercion.TryBoolean(StringChars(ref reader), out result.Boolean);
                }

                break;
            case OverflowKind.Date:
                ok = reader.TokenType switch
                {
                    JsonTokenType.Number => reader.TryGetDouble(out var millis) && ValueCoercion.TryFromEpochMillis(millis, out result.Date),
                    JsonTokenType.String => ValueCoercion.TryDate(StringChars(ref reader), out result.Date),
                    _ => false,
                };
                break;
        }

        if (!ok)
        {
            result.IsBad = true;
            result.Text = RawToken(ref reader, line);
        }

        return result;
    }

    /// <summary>The unescaped characters of the current string token, in a reused buffer.</summary>
    private ReadOnlySpan<char> StringChars(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(length, _scratch.Length * 2));
        }

        var written = reader.CopyString(_scratch);
        return _scratch.AsSpan(0, written);
    }

    /// <summary>
    /// Assigns the gathered ECS values. An array field gets all good values. A single-valued field gets the first value;
    /// when the document gave an array or several values, overflow keeps all of them (so nothing is lost and the writer
    /// reproduces the array). Values that did not convert go to overflow as raw JSON, counted as bad values.
    /// </summary>
    private void Finish()
    {
        RefreshMultiFields();
        foreach (var id in _touched)
        {
            var pending = _pending[id]!;
            var field = EcsFieldTable.All[id];
            var values = pending.Values;
            var several = values.Count > 1 || pending.SawArray;
            if (field.IsArray)
            {
                if (values.Count > 0 || (pending.SawArray && pending.BadRaw.Count == 0))
                {
                    SetArray(id, field.Kind, values);
                }
            }
            else if (values.Count > 0)
            {
                SetSingle(id, values[0]);
                if (several)
                {
                    _statistics.AddArrayForSingleValuedField();
                }
            }

            if (_multiFieldsByParent[id] is { } multiFields)
            {
                FillMultiFields(multiFields, values, field.IsArray || several);
            }

            if (pending.BadRaw.Count > 0 || (!field.IsArray && several))
            {
                var overflowField = EcsOverflowFields[id] ??= OverflowFieldRegistry.Register(field.Path, field.Kind);
                var overflow = _event.Overflow.ForWriting(overflowField.Slot);
                overflow.IsArray = pending.SawArray || values.Count + pending.BadRaw.Count > 1;
                foreach (var value in values)
                {
                    Store(overflow, value);
                }

                foreach (var raw in pending.BadRaw)
                {
                    overflow.AddRaw(raw, bad: true);
                }
            }
        }
    }

    /// <summary>
    /// Finds the multi-fields (process.name.caseless) that rules registered, when code declared a field since last time;
    /// only those are filled, so unused multi-fields cost nothing.
    /// </summary>
    private void RefreshMultiFields()
    {
        var version = OverflowFieldRegistry.DeclaredVersion;
        if (version == _declaredVersionSeen)
        {
            return;
        }

        _declaredVersionSeen = version;
        var byParent = new List<(OverflowField, bool)>?[EcsFieldTable.Count];
        foreach (var multiField in EcsFieldTable.MultiFields)
        {
            if (OverflowFieldRegistry.TryGet(multiField.Path, out var registered) && OverflowFieldRegistry.IsDeclared(registered.Slot))
            {
                (byParent[multiField.ParentId] ??= new List<(OverflowField, bool)>()).Add((registered, multiField.Lowercase));
            }
        }

        _multiFieldsByParent = byParent;
    }

    /// <summary>Indexes the parent's values into its registered multi-fields, as Elasticsearch does; the writer skips them.</summary>
    private void FillMultiFields(List<(OverflowField Field, bool Lowercase)> multiFields, List<Converted> parentValues, bool isArray)
    {
        foreach (var (multiField, lowercase) in multiFields)
        {
            var values = _event.Overflow.ForWriting(multiField.Slot);
            values.NoteSource(derived: true);
            values.IsArray |= isArray;
            foreach (var value in parentValues)
            {
                if (value.Text is { } text && !value.IsRaw)
                {
                    // The lowercase normalizer lowercases per character, locale-independently.
                    values.AddString(lowercase ? text.ToLowerInvariant() : text);
                }
            }
        }
    }

    private void SetSingle(int id, in Converted value)
    {
        var e = _event;
        switch (value.Kind)
        {
            case OverflowKind.Integer:
                EcsFieldTable.SetLong(e, id, value.Integer);
                break;
            case OverflowKind.Float:
                EcsFieldTable.SetDouble(e, id, value.Float);
                break;
            case OverflowKind.Boolean:
                EcsFieldTable.SetBoolean(e, id, value.Boolean);
                break;
            case OverflowKind.Date:
                EcsFieldTable.SetDate(e, id, value.Date);
                break;
            default:
                EcsFieldTable.SetString(e, id, value.Text);
                break;
        }
    }

    private void SetArray(int id, OverflowKind kind, List<Converted> values)
    {
        var e = _event;
        switch (kind)
        {
            case OverflowKind.Integer:
                var integers = new long[values.Count];
                for (var i = 0; i < integers.Length; i++)
                {
                    integers[i] = values[i].Integer;
                }

                EcsFieldTable.SetLongs(e, id, integers);
                break;
            case OverflowKind.Float:
                var floats = new double[values.Count];
                for (var i = 0; i < floats.Length; i++)
                {
                    floats[i] = values[i].Float;
                }

                EcsFieldTable.SetDoubles(e, id, floats);
                break;
            case OverflowKind.Boolean:
                var booleans = new bool[values.Count];
                for (var i = 0; i < booleans.Length; i++)
                {
                    booleans[i] = values[i].Boolean;
                }

                EcsFieldTable.SetBooleans(e, id, booleans);
                break;
            case OverflowKind.Date:
                var dates = new DateTimeOffset[values.Count];
                for (var i = 0; i < dates.Length; i++)
                {
                    dates[i] = values[i].Date;
                }

                EcsFieldTable.SetDates(e, id, dates);
                break;
            default:
                var strings = new string[values.Count];
                for (var i = 0; i < strings.Length; i++)
                {
                    strings[i] = values[i].Text!;
                }

                EcsFieldTable.SetStrings(e, id, strings);
                break;
        }
    }
}
