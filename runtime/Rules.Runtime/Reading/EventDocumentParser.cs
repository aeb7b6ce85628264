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
/// Fills an <see cref="EcsEvent"/> from one JSON document (one NDJSON line). Keys are looked up by their UTF-8 bytes in
/// a per-reader <see cref="PathCache"/>, which remembers what each path resolves to; recurring string values come from
/// a per-reader <see cref="StringCache"/>. Nested objects and dotted keys are the same path; arrays of objects are flattened
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

    // Document number that last gave each ECS field a value, assigned directly (one scalar, the common case) or staged
    // in _pending: a field not seen yet in this document takes a lone scalar directly.
    private readonly int[] _seenIn = new int[EcsFieldTable.Count];
    private int _document;

    // Changes whenever _multiFieldsByParent does, so that paths recompute PathCache.Node.Direct.
    private int _multiFieldsVersion = 1;

    private readonly List<int> _touched = new();
    private readonly List<string> _arrayStrings = new();

    // By ECS field id; null until code declares a multi-field (most readers never need the table).
    private List<(OverflowField Field, bool Lowercase)>?[]? _multiFieldsByParent;
    private int _declaredVersionSeen = -1;
    private int _declaredMultiFields;
    private readonly PathCache _paths = new();
    private readonly StringCache _strings = new();
    private byte[] _unescaped = new byte[256];
    private bool[]? _containers;

    // A user schema's null_value substitute is read while the document's reader is open, so it has its own scratch.
    private readonly bool[] _substituteContainers = new bool[64];
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

        /// <summary>The array last given to the field: refilled in place for the next event when the count matches,
        /// since the reused record is only valid until the next event (EventReaderOptions.ReuseEvent).</summary>
        public Array? Spare;

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
        _paths.TrimBetweenDocuments();
        if (++_document == int.MaxValue)
        {
            Array.Clear(_seenIn);
            _document = 1;
        }

        RefreshMultiFields();
        // One level more than MaxDepth, so that CheckDepth reports TooDeep before the tokenizer's own limit.
        _containers ??= new bool[_options.MaxDepth + 1];
        var reader = new JsonLineReader(line, _containers, _options.MaxDepth + 1);
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

            ReadObject(ref reader, line, PathCache.Root, inArray: false, derived: false);
            while (reader.Read())
            {
                // Throws on any content after the object.
            }

            Finish();
            if (target.Overflow.BadValueCount > 0)
            {
                _statistics.AddBadValues(target.Overflow.BadValueCount);
            }
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
            // JsonLineReader reports an escaped lone surrogate this way, as Utf8JsonReader.GetString does.
            reason = BadLineReason.InvalidJson;
            message = e.Message;
        }
        catch (DecoderFallbackException e)
        {
            // JsonLineReader validates every string's UTF-8.
            reason = BadLineReason.InvalidJson;
            message = "invalid UTF-8: " + e.Message;
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
    private void ReadObject(ref JsonLineReader reader, ReadOnlySpan<byte> line, int parent, bool inArray, bool derived)
    {
        var previous = -1;
        while (reader.ReadPropertyNameOrEndObject())
        {
            var node = _paths.Child(parent, previous, Utf8Text(ref reader));
            previous = node;
            reader.ReadPropertyValue();
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False)
            {
                AddScalar(ref reader, line, node, inArray, derived); // the common case, without ReadValue's dispatch
            }
            else
            {
                ReadValue(ref reader, line, node, inArray, derived);
            }
        }
    }

    /// <summary>The unescaped UTF-8 of the current key or string token: the token itself unless it has escapes.</summary>
    private ReadOnlySpan<byte> Utf8Text(ref JsonLineReader reader)
    {
        // The reader always reads one contiguous line, so there is never a value sequence.
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (reader.ValueSpan.Length > _unescaped.Length)
        {
            _unescaped = new byte[Math.Max(reader.ValueSpan.Length, _unescaped.Length * 2)];
        }

        return _unescaped.AsSpan(0, reader.CopyString(_unescaped));
    }

    private void ReadValue(ref JsonLineReader reader, ReadOnlySpan<byte> line, int node, bool inArray, bool derived)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                CheckDepth(ref reader);
                if (HoldsRawJson(node, out var hasSubfields))
                {
                    var objectStart = reader; // a copy positioned at '{', to read the inside a second time
                    var raw = CaptureRaw(ref reader, line);
                    AddRawValue(node, raw, inArray, derived);
                    if (hasSubfields)
                    {
                        ReadObject(ref objectStart, line, node, inArray, derived: true);
                    }
                }
                else
                {
                    var nestedObject = OpenNestedObject(node);
                    ReadObject(ref reader, line, node, inArray, derived);
                    CloseNestedObject(nestedObject);
                }

                break;
            case JsonTokenType.StartArray:
                CheckDepth(ref reader);
                ReadArray(ref reader, line, node, inArray, derived);
                break;
            case JsonTokenType.Null:
                // Elasticsearch indexes null as "no value", unless the mapping sets null_value (user schemas only).
                AddNullValue(node, inArray, derived);
                break;
            default:
                AddScalar(ref reader, line, node, inArray, derived);
                break;
        }
    }

    /// <summary>
    /// The elements of an array. Strings of an ECS keyword or ip array field (the field's only value in the document so
    /// far) are collected and assigned as one array with no staging; at the first element of another kind, what was
    /// collected is staged and the rest of the array takes the general path, which gives the same result.
    /// </summary>
    private void ReadArray(ref JsonLineReader reader, ReadOnlySpan<byte> line, int node, bool inArray, bool derived)
    {
        var id = _paths[node].EcsId;
        var direct = id >= 0 && !inArray && IsDirectStringArray(id);
        var collected = _arrayStrings;
        collected.Clear();
        var elements = 0;
        while (reader.ReadElementOrEndArray())
        {
            elements++;
            if (direct)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    collected.Add(StringAt(node, ref reader));
                    continue;
                }

                direct = false;
                var staged = Pending(id);
                staged.SawArray = true;
                var kind = EcsFieldTable.All[id].Kind;
                foreach (var text in collected)
                {
                    staged.Values.Add(new Converted { Kind = kind, Text = text });
                }
            }

            ReadValue(ref reader, line, node, inArray: true, derived);
        }

        if (elements == 0)
        {
            AddEmptyArray(node, derived);
        }
        else if (direct)
        {
            var strings = ArrayFor<string>(_pending[id] ??= new PendingValues(), collected.Count);
            collected.CopyTo(strings);
            EcsFieldTable.SetStrings(_event, id, strings);
            _seenIn[id] = _document;
        }
    }

    /// <summary>Whether an array at this ECS field can be assigned directly: a keyword, text or ip array field with no
    /// value yet in this document and no multi-fields; and no registered nested field, whose object bounds count
    /// staged values.</summary>
    private bool IsDirectStringArray(int id)
    {
        var field = EcsFieldTable.All[id];
        return field.IsArray && field.Kind is OverflowKind.String or OverflowKind.Text or OverflowKind.Ip
            && _seenIn[id] != _document && _multiFieldsByParent?[id] is null && NestedPathRegistry.Count == 0;
    }

    private void CheckDepth(ref JsonLineReader reader)
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
    private bool HoldsRawJson(int node, out bool hasSubfields)
    {
        ref var path = ref _paths[node];
        if (path.EcsId >= 0)
        {
            var field = EcsFieldTable.All[path.EcsId];
            hasSubfields = field.HasSubfields;
            return field.Kind == OverflowKind.Other;
        }

        hasSubfields = true;
        return TryGetRegistered(ref path, out var overflowField) && OverflowFieldRegistry.StorageKind(overflowField.Slot) == OverflowKind.Other;
    }

    /// <summary>The overflow field registered for a path, remembered once found (a path keeps its slot for good).</summary>
    private static bool TryGetRegistered(ref PathCache.Node path, out OverflowField field)
    {
        if (path.HasOverflow)
        {
            field = path.Overflow;
            return true;
        }

        var count = OverflowFieldRegistry.Count;
        if (path.UnregisteredAtCount != count)
        {
            if (OverflowFieldRegistry.TryGet(path.Path, out field))
            {
                path.Overflow = field;
                path.HasOverflow = true;
                return true;
            }

            path.UnregisteredAtCount = count;
        }

        field = default;
        return false;
    }

    private string CaptureRaw(ref JsonLineReader reader, ReadOnlySpan<byte> line)
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

    private static string RawToken(ref JsonLineReader reader, ReadOnlySpan<byte> line)
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

    private Target Resolve(ref JsonLineReader reader, int node, out int id, out OverflowField field)
    {
        ref var path = ref _paths[node];
        id = path.EcsId;
        if (id >= 0)
        {
            field = default;
            return Target.Ecs;
        }

        return Resolve(node, InferKind(ref reader), out id, out field);
    }

    private Target Resolve(int node, OverflowKind inferredKind, out int id, out OverflowField field)
    {
        ref var path = ref _paths[node];
        id = path.EcsId;
        if (id >= 0)
        {
            field = default;
            return Target.Ecs;
        }

        if (TryGetRegistered(ref path, out field))
        {
            return Target.Overflow;
        }

        if (OverflowFieldRegistry.Count < _options.MaxRegisteredFields)
        {
            field = OverflowFieldRegistry.GetOrAddInferred(path.Path, inferredKind);
            path.Overflow = field;
            path.HasOverflow = true;
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
            if (_seenIn[id] == _document)
            {
                // Another value for a field assigned directly: stage what it holds too (rare: a repeated key).
                if (EcsFieldTable.All[id].IsArray)
                {
                    StageAssignedStrings(pending, id);
                }
                else
                {
                    pending.Values.Add(AssignedValue(id));
                }
            }

            _seenIn[id] = _document;
        }

        return pending;
    }

    /// <summary>The strings <see cref="ReadArray"/> gave array field <paramref name="id"/>, read back from the record.</summary>
    private void StageAssignedStrings(PendingValues pending, int id)
    {
        var kind = EcsFieldTable.All[id].Kind;
        if (EcsFieldTable.GetValue(_event, id) is string[] texts)
        {
            foreach (var text in texts)
            {
                pending.Values.Add(new Converted { Kind = kind, Text = text });
            }
        }

        pending.SawArray = true;
    }

    /// <summary>The value <see cref="SetSingle"/> gave field <paramref name="id"/>, read back from the record.</summary>
    private Converted AssignedValue(int id)
    {
        var kind = EcsFieldTable.All[id].Kind;
        var result = new Converted { Kind = kind, IsRaw = kind == OverflowKind.Other };
        switch (EcsFieldTable.GetValue(_event, id))
        {
            case long integer:
                result.Integer = integer;
                break;
            case double real:
                result.Float = real;
                break;
            case bool boolean:
                result.Boolean = boolean;
                break;
            case DateTimeOffset date:
                result.Date = date;
                break;
            case string text:
                result.Text = text;
                break;
        }

        return result;
    }

    private void AddScalar(ref JsonLineReader reader, ReadOnlySpan<byte> line, int node, bool inArray, bool derived)
    {
        ref var path = ref _paths[node];
        var ecsId = path.EcsId;
        if (ecsId >= 0 && !inArray && _seenIn[ecsId] != _document
            && (path.DirectVersion == _multiFieldsVersion ? path.Direct : ComputeDirect(ref path))
            && TryAssignDirectly(ref reader, node, ecsId, path.DirectKind))
        {
            _seenIn[ecsId] = _document;
            return;
        }

        var target = Resolve(ref reader, node, out var id, out var field);
        switch (target)
        {
            case Target.Ecs:
            {
                var ecsField = EcsFieldTable.All[id];
                var direct = !inArray && !ecsField.IsArray && _seenIn[id] != _document && _multiFieldsByParent?[id] is null;
                var converted = Convert(ref reader, line, ecsField.Kind, node);
                if (direct && !converted.IsBad)
                {
                    // The first and so far only value of a single-valued field goes straight in.
                    SetSingle(id, converted);
                    _seenIn[id] = _document;
                    break;
                }

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
                    : Convert(ref reader, line, values.StoredKind, node);
                Store(values, converted);
                break;
            }

            default:
                _event.Overflow.AddUnregistered(_paths[node].Path, RawToken(ref reader, line));
                _statistics.AddUnregisteredField();
                break;
        }
    }

    /// <summary>Whether a lone scalar at this path may go straight into its ECS property: the field is single-valued,
    /// of a scalar kind, and has no registered multi-fields to fill.</summary>
    private bool ComputeDirect(ref PathCache.Node path)
    {
        var field = EcsFieldTable.All[path.EcsId];
        path.Direct = !field.IsArray && field.Kind != OverflowKind.Other && _multiFieldsByParent?[path.EcsId] is null;
        path.DirectKind = field.Kind;
        path.DirectVersion = _multiFieldsVersion;
        return path.Direct;
    }

    /// <summary>
    /// The common cases, with no intermediate <see cref="Converted"/>: a string for a keyword field, an integer, a
    /// finite number, a boolean, a date string. False (nothing done) for anything else, which takes the general path.
    /// </summary>
    private bool TryAssignDirectly(ref JsonLineReader reader, int node, int id, OverflowKind kind)
    {
        switch (kind)
        {
            case OverflowKind.String or OverflowKind.Text or OverflowKind.Ip when reader.TokenType == JsonTokenType.String:
                EcsFieldTable.SetString(_event, id, StringAt(node, ref reader));
                return true;
            case OverflowKind.Integer when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var integer):
                EcsFieldTable.SetLong(_event, id, integer);
                return true;
            case OverflowKind.Float when reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var real) && double.IsFinite(real):
                EcsFieldTable.SetDouble(_event, id, real);
                return true;
            case OverflowKind.Boolean when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                EcsFieldTable.SetBoolean(_event, id, reader.TokenType == JsonTokenType.True);
                return true;
            case OverflowKind.Date when reader.TokenType == JsonTokenType.String && ValueCoercion.TryDate(AsciiChars(ref reader), out var date):
                EcsFieldTable.SetDate(_event, id, date);
                return true;
            default:
                return false;
        }
    }

    private void AddRawValue(int node, string raw, bool inArray, bool derived)
    {
        var converted = new Converted { Kind = OverflowKind.Other, IsRaw = true, Text = raw };
        switch (Resolve(node, OverflowKind.Other, out var id, out var field))
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
                _event.Overflow.AddUnregistered(_paths[node].Path, raw);
                _statistics.AddUnregisteredField();
                break;
        }
    }

    private void AddEmptyArray(int node, bool derived)
    {
        switch (Resolve(node, OverflowKind.String, out var id, out var field))
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
                _event.Overflow.AddUnregistered(_paths[node].Path, "[]");
                _statistics.AddUnregisteredField();
                break;
        }
    }

    /// <summary>The kind a new overflow field gets from its first value, as Elasticsearch dynamic mapping would choose.</summary>
    private static OverflowKind InferKind(ref JsonLineReader reader) => reader.TokenType switch
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
    private void AddNullValue(int node, bool inArray, bool derived)
    {
        if (OverflowFieldRegistry.TryGetNullValue(_paths[node].Path.AsSpan(), out var json))
        {
            var substitute = new JsonLineReader(json, _substituteContainers, _substituteContainers.Length);
            substitute.Read();
            AddScalar(ref substitute, json, node, inArray, derived);
        }
    }

    /// <summary>A date in a field whose user schema gives a format: only that format parses it, as in Elasticsearch.</summary>
    private Converted ConvertFormattedDate(ref JsonLineReader reader, ReadOnlySpan<byte> line, Matching.JavaDateFormat format)
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
    private ReadOnlySpan<char> NumberChars(ref JsonLineReader reader)
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
    private Converted Convert(ref JsonLineReader reader, ReadOnlySpan<byte> line, OverflowKind kind, int node)
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
                    case JsonTokenType.Number when kind != OverflowKind.Ip:
                        // A number in a keyword field is indexed as its text as written.
                        result.Text = StringAt(node, ref reader);
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
                    JsonTokenType.String => ValueCoercion.TryDate(AsciiChars(ref reader), out result.Date),
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

    /// <summary>
    /// The string value of the current string or number token at a path: the path's last value when the token's bytes
    /// are unchanged (one byte compare, no unescaping), else from the string cache.
    /// </summary>
    private string StringAt(int node, ref JsonLineReader reader)
    {
        ref var path = ref _paths[node];
        var token = reader.ValueSpan;
        if (path.LastValue is { } last && token.SequenceEqual(_paths.LastToken(ref path)))
        {
            return last;
        }

        var value = _strings.Get(Utf8Text(ref reader));
        if (token.Length <= PathCache.MaxLastValueBytes)
        {
            _paths.RememberLastValue(ref path, token, value);
        }
        else
        {
            path.LastValue = null;
        }

        return value;
    }

    /// <summary>An unescaped ASCII string token widened into a reused buffer; other tokens go through
    /// <see cref="StringChars"/>. Dates and numbers in strings are ASCII, so this skips the general decoder.</summary>
    private ReadOnlySpan<char> AsciiChars(ref JsonLineReader reader)
    {
        var bytes = reader.ValueSpan;
        if (!reader.ValueIsEscaped && bytes.Length <= _scratch.Length && Ascii.ToUtf16(bytes, _scratch, out var written) == System.Buffers.OperationStatus.Done)
        {
            return _scratch.AsSpan(0, written);
        }

        return StringChars(ref reader);
    }

    /// <summary>The unescaped characters of the current string token, in a reused buffer.</summary>
    private ReadOnlySpan<char> StringChars(ref JsonLineReader reader)
    {
        var length = reader.ValueSpan.Length;
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
                    SetArray(id, field.Kind, pending);
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

            if (_multiFieldsByParent?[id] is { } multiFields)
            {
                FillMultiFields(multiFields, values, field.IsArray || several);
            }

            if (pending.BadRaw.Count > 0 || (!field.IsArray && several))
            {
                var overflowField = EcsOverflowFields[id] ??= OverflowFieldRegistry.Register(field.Path, field.Kind);
                _event.Overflow.NoteEcsValues();
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
        // Rules declare many fields; only a newly declared multi-field changes the table (a declaration is never undone).
        var declared = 0;
        foreach (var multiField in EcsFieldTable.MultiFields)
        {
            if (OverflowFieldRegistry.TryGet(multiField.Path, out var registered) && OverflowFieldRegistry.IsDeclared(registered.Slot))
            {
                declared++;
            }
        }

        if (declared == _declaredMultiFields)
        {
            return;
        }

        _declaredMultiFields = declared;
        var byParent = new List<(OverflowField, bool)>?[EcsFieldTable.Count];
        foreach (var multiField in EcsFieldTable.MultiFields)
        {
            if (OverflowFieldRegistry.TryGet(multiField.Path, out var registered) && OverflowFieldRegistry.IsDeclared(registered.Slot))
            {
                (byParent[multiField.ParentId] ??= new List<(OverflowField, bool)>()).Add((registered, multiField.Lowercase));
            }
        }

        _multiFieldsByParent = byParent;
        _multiFieldsVersion++;
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

    /// <summary>An array of <paramref name="count"/> items for a field: the one the previous event got when the count
    /// matches and the record is reused, else a new one (kept for the next event).</summary>
    private T[] ArrayFor<T>(PendingValues pending, int count)
    {
        if (!_options.ReuseEvent)
        {
            return new T[count];
        }

        if (pending.Spare is T[] spare && spare.Length == count)
        {
            return spare;
        }

        var array = new T[count];
        pending.Spare = array;
        return array;
    }

    private void SetArray(int id, OverflowKind kind, PendingValues pending)
    {
        var e = _event;
        var values = pending.Values;
        switch (kind)
        {
            case OverflowKind.Integer:
                var integers = ArrayFor<long>(pending, values.Count);
                for (var i = 0; i < integers.Length; i++)
                {
                    integers[i] = values[i].Integer;
                }

                EcsFieldTable.SetLongs(e, id, integers);
                break;
            case OverflowKind.Float:
                var floats = ArrayFor<double>(pending, values.Count);
                for (var i = 0; i < floats.Length; i++)
                {
                    floats[i] = values[i].Float;
                }

                EcsFieldTable.SetDoubles(e, id, floats);
                break;
            case OverflowKind.Boolean:
                var booleans = ArrayFor<bool>(pending, values.Count);
                for (var i = 0; i < booleans.Length; i++)
                {
                    booleans[i] = values[i].Boolean;
                }

                EcsFieldTable.SetBooleans(e, id, booleans);
                break;
            case OverflowKind.Date:
                var dates = ArrayFor<DateTimeOffset>(pending, values.Count);
                for (var i = 0; i < dates.Length; i++)
                {
                    dates[i] = values[i].Date;
                }

                EcsFieldTable.SetDates(e, id, dates);
                break;
            default:
                var strings = ArrayFor<string>(pending, values.Count);
                for (var i = 0; i < strings.Length; i++)
                {
                    strings[i] = values[i].Text!;
                }

                EcsFieldTable.SetStrings(e, id, strings);
                break;
        }
    }
}
