using System;
using System.Collections.Generic;
using System.Globalization;

namespace Rules.Runtime;

/// <summary>
/// The non-ECS fields of one event, indexed by <see cref="OverflowField.Slot"/>. Typed reads return spans over buffers
/// the event keeps and reuses, so matchers neither hash nor allocate. A value whose JSON shape does not fit the slot's
/// kind is converted when Elasticsearch would coerce it, otherwise kept as raw JSON text and counted as a bad value.
/// </summary>
public sealed class OverflowFields
{
    private OverflowValues?[] _slots = new OverflowValues?[64];
    private readonly List<int> _used = new();
    private readonly List<KeyValuePair<string, string>> _unregistered = new();

    /// <summary>Number of overflow fields holding something in this event.</summary>
    public int Count => _used.Count + _unregistered.Count;

    /// <summary>Values that could not be converted to their field's kind (kept as raw JSON text).</summary>
    public int BadValueCount { get; internal set; }

    /// <summary>
    /// True when an ECS field's values are held here too: several values (an array) for a single-valued field, or a
    /// value of the wrong shape. The typed property then keeps the first value and overflow, under the field's path,
    /// every value. Generated matchers test this flag before reading those values, so an event without such fields
    /// pays one test per leaf (docs/event-record.md).
    /// </summary>
    public bool HoldsEcsValues { get; private set; }

    internal void NoteEcsValues() => HoldsEcsValues = true;

    public ReadOnlySpan<string> GetStrings(OverflowField field) => Values(field.Slot) is { } v ? v.Strings() : default;

    public ReadOnlySpan<long> GetIntegers(OverflowField field) => Values(field.Slot) is { } v ? v.Integers() : default;

    public ReadOnlySpan<double> GetFloats(OverflowField field) => Values(field.Slot) is { } v ? v.Floats() : default;

    public ReadOnlySpan<bool> GetBooleans(OverflowField field) => Values(field.Slot) is { } v ? v.Booleans() : default;

    public ReadOnlySpan<DateTimeOffset> GetDates(OverflowField field) => Values(field.Slot) is { } v ? v.Dates() : default;

    /// <summary>Values kept as JSON text: objects of Other-kind fields and values that did not fit the field's kind.</summary>
    public ReadOnlySpan<string> GetRaw(OverflowField field) => Values(field.Slot) is { } v ? v.RawValues : default;

    /// <summary>True when the field holds at least one value (typed or raw) in this event.</summary>
    public bool Contains(OverflowField field) => Values(field.Slot) is { } v && (v.Count > 0 || v.RawCount > 0 || v.IsArray);

    /// <summary>Reads a field by path for code and tests: null when absent, a scalar when the document had one value, an array otherwise.</summary>
    public object? this[string path] => TryGet(path, out var value) ? value : null;

    public bool TryGet(string path, out object? value)
    {
        value = null;
        if (OverflowFieldRegistry.TryGet(path, out var field) && Values(field.Slot) is { } v && (v.Count > 0 || v.RawCount > 0 || v.IsArray))
        {
            value = v.ToObject();
            return true;
        }

        // Unregistered values (beyond the registration cap) are raw JSON text, one entry per value.
        List<object?>? several = null;
        foreach (var pair in _unregistered)
        {
            if (pair.Key == path)
            {
                if (value is null)
                {
                    value = pair.Value;
                }
                else
                {
                    several ??= new List<object?> { value };
                    several.Add(pair.Value);
                }
            }
        }

        if (several is not null)
        {
            value = several.ToArray();
        }

        return value is not null;
    }

    public void Set(string path, string value) => Set(path, OverflowKind.String, isArray: false).AddString(value);

    public void Set(string path, params string[] values) => AddAll(Set(path, OverflowKind.String, isArray: true), values, static (v, x) => v.AddString(x));

    public void Set(string path, long value) => Set(path, OverflowKind.Integer, isArray: false).AddInteger(value);

    public void Set(string path, params long[] values) => AddAll(Set(path, OverflowKind.Integer, isArray: true), values, static (v, x) => v.AddInteger(x));

    public void Set(string path, double value) => Set(path, OverflowKind.Float, isArray: false).AddFloat(value);

    public void Set(string path, params double[] values) => AddAll(Set(path, OverflowKind.Float, isArray: true), values, static (v, x) => v.AddFloat(x));

    public void Set(string path, bool value) => Set(path, OverflowKind.Boolean, isArray: false).AddBoolean(value);

    public void Set(string path, params bool[] values) => AddAll(Set(path, OverflowKind.Boolean, isArray: true), values, static (v, x) => v.AddBoolean(x));

    public void Set(string path, DateTimeOffset value) => Set(path, OverflowKind.Date, isArray: false).AddDate(value);

    public void Set(string path, params DateTimeOffset[] values) => AddAll(Set(path, OverflowKind.Date, isArray: true), values, static (v, x) => v.AddDate(x));

    /// <summary>Sets an Other-kind value (object, flattened, geo_point) as raw JSON text.</summary>
    public void SetRaw(string path, string json) => Set(path, OverflowKind.Other, isArray: false).AddRaw(json, bad: false);

    /// <summary>Removes every value; buffers are kept for the next event.</summary>
    public void Clear()
    {
        foreach (var slot in _used)
        {
            _slots[slot]!.Clear();
        }

        _used.Clear();
        _unregistered.Clear();
        BadValueCount = 0;
        HoldsEcsValues = false;
    }

    /// <summary>The slots holding values, in the order they were first filled.</summary>
    internal IReadOnlyList<int> UsedSlots => _used;

    /// <summary><see cref="UsedSlots"/> as a span (the engine's hot path: no interface calls). Valid until the event
    /// changes.</summary>
    internal ReadOnlySpan<int> UsedSlotSpan => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_used);

    internal IReadOnlyList<KeyValuePair<string, string>> Unregistered => _unregistered;

    internal void AddUnregistered(string path, string rawJson) => _unregistered.Add(new KeyValuePair<string, string>(path, rawJson));

    internal OverflowValues? Values(int slot) => (uint)slot < (uint)_slots.Length ? _slots[slot] is { } v && v.InUse ? v : null : null;

    /// <summary>The values of a slot for filling, registered in this event's list on first use.</summary>
    internal OverflowValues ForWriting(int slot)
    {
        if (slot >= _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(slot + 1, _slots.Length * 2));
        }

        var values = _slots[slot] ??= new OverflowValues(this);
        if (!values.InUse)
        {
            values.Begin(OverflowFieldRegistry.StorageKind(slot));
            _used.Add(slot);
        }

        return values;
    }

    private OverflowValues Set(string path, OverflowKind kind, bool isArray)
    {
        var field = OverflowFieldRegistry.TryGet(path, out var existing) ? existing : OverflowFieldRegistry.Register(path, kind);
        if (EcsFieldTable.TryGetId(path, out _))
        {
            HoldsEcsValues = true;
        }

        var values = ForWriting(field.Slot);
        values.Reset(values.StoredKind);
        values.IsArray = isArray;
        return values;
    }

    private static void AddAll<T>(OverflowValues values, T[] items, Action<OverflowValues, T> add)
    {
        foreach (var item in items)
        {
            add(values, item);
        }
    }
}

/// <summary>
/// The values of one overflow slot in one event, held in the slot's storage kind, plus raw JSON text for values that
/// did not fit. Reads in another kind convert into scratch buffers (rare: only when two registrations disagree).
/// </summary>
internal sealed class OverflowValues(OverflowFields owner)
{
    private string[] _strings = [];
    private long[] _integers = [];
    private double[] _floats = [];
    private bool[] _booleans = [];
    private DateTimeOffset[] _dates = [];
    private string[] _raw = [];

    // Conversions for reads in a kind other than the storage kind; valid until the next change.
    private string[]? _convertedStrings;
    private long[]? _convertedIntegers;
    private double[]? _convertedFloats;
    private bool[]? _convertedBooleans;
    private DateTimeOffset[]? _convertedDates;
    private int _convertedStringsCount, _convertedIntegersCount, _convertedFloatsCount, _convertedBooleansCount, _convertedDatesCount;
    private bool _conversionsValid;

    public bool InUse { get; private set; }

    public OverflowKind StoredKind { get; private set; }

    /// <summary>Values held in <see cref="StoredKind"/>.</summary>
    public int Count { get; private set; }

    public int RawCount { get; private set; }

    /// <summary>The document gave an array (written back as one even with a single value).</summary>
    public bool IsArray { get; set; }

    /// <summary>
    /// Every value came from inside an object that is also kept whole as raw JSON (labels.env inside labels): readable
    /// like any field, left out by the writer. Cleared as soon as one value arrives from elsewhere.
    /// </summary>
    public bool Derived { get; private set; }

    private bool _sourceNoted;

    public void NoteSource(bool derived)
    {
        Derived = _sourceNoted ? Derived && derived : derived;
        _sourceNoted = true;
    }

    public ReadOnlySpan<string> RawValues => _raw.AsSpan(0, RawCount);

    public void Begin(OverflowKind kind)
    {
        InUse = true;
        Reset(kind);
    }

    public void Reset(OverflowKind kind)
    {
        StoredKind = kind;
        Count = 0;
        RawCount = 0;
        IsArray = false;
        Derived = false;
        _sourceNoted = false;
        _conversionsValid = false;
    }

    public void Clear()
    {
        InUse = false;
        Count = 0;
        RawCount = 0;
        IsArray = false;
        Derived = false;
        _sourceNoted = false;
        _conversionsValid = false;
        // Drop references so large strings do not outlive their event; the arrays are kept.
        Array.Clear(_strings);
        Array.Clear(_raw);
    }

    public bool IsStringKind => StoredKind is OverflowKind.String or OverflowKind.Text or OverflowKind.Ip;

    public void AddString(string value)
    {
        if (IsStringKind)
        {
            Append(ref _strings, value);
            return;
        }

        switch (StoredKind)
        {
            case OverflowKind.Integer when ValueCoercion.TryInteger(value, out var integer):
                Append(ref _integers, integer);
                break;
            case OverflowKind.Float when ValueCoercion.TryFloat(value, out var real):
                Append(ref _floats, real);
                break;
            case OverflowKind.Boolean when ValueCoercion.TryBoolean(value, out var boolean):
                Append(ref _booleans, boolean);
                break;
            case OverflowKind.Date when ValueCoercion.TryDate(value, out var date):
                Append(ref _dates, date);
                break;
            default:
                AddRaw(System.Text.Json.JsonSerializer.Serialize(value), bad: StoredKind != OverflowKind.Other);
                break;
        }
    }

    public void AddInteger(long value)
    {
        switch (StoredKind)
        {
            case OverflowKind.Integer:
                Append(ref _integers, value);
                break;
            case OverflowKind.Float:
                Append(ref _floats, value);
                break;
            case OverflowKind.String or OverflowKind.Text:
                Append(ref _strings, value.ToString(CultureInfo.InvariantCulture));
                break;
            case OverflowKind.Date when ValueCoercion.TryFromEpochMillis(value, out var date):
                Append(ref _dates, date);
                break;
            default:
                AddRaw(value.ToString(CultureInfo.InvariantCulture), bad: StoredKind != OverflowKind.Other);
                break;
        }
    }

    public void AddFloat(double value)
    {
        switch (StoredKind)
        {
            case OverflowKind.Float:
                Append(ref _floats, value);
                break;
            case OverflowKind.Integer when ValueCoercion.TryIntegerFromFloat(value, out var integer):
                Append(ref _integers, integer);
                break;
            case OverflowKind.String or OverflowKind.Text:
                Append(ref _strings, ValueCoercion.FormatFloat(value));
                break;
            case OverflowKind.Date when ValueCoercion.TryFromEpochMillis(value, out var date):
                Append(ref _dates, date);
                break;
            default:
                AddRaw(ValueCoercion.FormatFloat(value), bad: StoredKind != OverflowKind.Other);
                break;
        }
    }

    public void AddBoolean(bool value)
    {
        switch (StoredKind)
        {
            case OverflowKind.Boolean:
                Append(ref _booleans, value);
                break;
            case OverflowKind.String or OverflowKind.Text:
                Append(ref _strings, value ? "true" : "false");
                break;
            default:
                AddRaw(value ? "true" : "false", bad: StoredKind != OverflowKind.Other);
                break;
        }
    }

    public void AddDate(DateTimeOffset value)
    {
        switch (StoredKind)
        {
            case OverflowKind.Date:
                Append(ref _dates, value);
                break;
            case OverflowKind.String or OverflowKind.Text:
                Append(ref _strings, ValueCoercion.FormatDate(value));
                break;
            default:
                AddRaw(System.Text.Json.JsonSerializer.Serialize(ValueCoercion.FormatDate(value)), bad: StoredKind != OverflowKind.Other);
                break;
        }
    }

    /// <summary>Stores a value as JSON text: the natural form for Other-kind slots, and the fallback for bad values.</summary>
    public void AddRaw(string json, bool bad)
    {
        var index = RawCount;
        if (index == _raw.Length)
        {
            Array.Resize(ref _raw, Math.Max(4, _raw.Length * 2));
        }

        _raw[index] = json;
        RawCount = index + 1;
        _conversionsValid = false;
        if (bad)
        {
            owner.BadValueCount++;
        }
    }

    /// <summary>Appends an already-converted string (the reader converts numbers to their source text itself).</summary>
    public void AppendStoredString(string value) => Append(ref _strings, value);

    public void AppendStoredInteger(long value) => Append(ref _integers, value);

    public void AppendStoredFloat(double value) => Append(ref _floats, value);

    public void AppendStoredBoolean(bool value) => Append(ref _booleans, value);

    public void AppendStoredDate(DateTimeOffset value) => Append(ref _dates, value);

    public ReadOnlySpan<string> Strings()
    {
        if (IsStringKind)
        {
            return _strings.AsSpan(0, Count);
        }

        Convert();
        return _convertedStrings.AsSpan(0, _convertedStringsCount);
    }

    public ReadOnlySpan<long> Integers()
    {
        if (StoredKind == OverflowKind.Integer)
        {
            return _integers.AsSpan(0, Count);
        }

        Convert();
        return _convertedIntegers.AsSpan(0, _convertedIntegersCount);
    }

    public ReadOnlySpan<double> Floats()
    {
        if (StoredKind == OverflowKind.Float)
        {
            return _floats.AsSpan(0, Count);
        }

        Convert();
        return _convertedFloats.AsSpan(0, _convertedFloatsCount);
    }

    public ReadOnlySpan<bool> Booleans()
    {
        if (StoredKind == OverflowKind.Boolean)
        {
            return _booleans.AsSpan(0, Count);
        }

        Convert();
        return _convertedBooleans.AsSpan(0, _convertedBooleansCount);
    }

    public ReadOnlySpan<DateTimeOffset> Dates()
    {
        if (StoredKind == OverflowKind.Date)
        {
            return _dates.AsSpan(0, Count);
        }

        Convert();
        return _convertedDates.AsSpan(0, _convertedDatesCount);
    }

    /// <summary>Single value as a scalar unless the document gave an array; raw values as JSON text.</summary>
    public object? ToObject()
    {
        var items = new List<object?>();
        for (var i = 0; i < Count; i++)
        {
            items.Add(StoredValue(i));
        }

        for (var i = 0; i < RawCount; i++)
        {
            items.Add(_raw[i]);
        }

        return !IsArray && items.Count == 1 ? items[0] : items.ToArray();
    }

    /// <summary>The i-th value in storage kind, boxed (writer and <see cref="ToObject"/> only).</summary>
    public object StoredValue(int i) => StoredKind switch
    {
        OverflowKind.Integer => _integers[i],
        OverflowKind.Float => _floats[i],
        OverflowKind.Boolean => _booleans[i],
        OverflowKind.Date => _dates[i],
        OverflowKind.Other => _raw[i],
        _ => _strings[i],
    };

    private void Append<T>(ref T[] buffer, T value)
    {
        var index = Count;
        if (index == buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(4, buffer.Length * 2));
        }

        buffer[index] = value;
        Count = index + 1;
        _conversionsValid = false;
    }

    /// <summary>Converts the stored values to every other kind, following the same coercion rules as the reader.</summary>
    private void Convert()
    {
        if (_conversionsValid)
        {
            return;
        }

        _convertedStringsCount = _convertedIntegersCount = _convertedFloatsCount = _convertedBooleansCount = _convertedDatesCount = 0;
        for (var i = 0; i < Count; i++)
        {
            switch (StoredKind)
            {
                case OverflowKind.Integer:
                    var integer = _integers[i];
                    Add(ref _convertedStrings, ref _convertedStringsCount, integer.ToString(CultureInfo.InvariantCulture));
                    Add(ref _convertedFloats, ref _convertedFloatsCount, integer);
                    if (ValueCoercion.TryFromEpochMillis(integer, out var fromMillis))
                    {
                        Add(ref _convertedDates, ref _convertedDatesCount, fromMillis);
                    }

                    break;
                case OverflowKind.Float:
                    var real = _floats[i];
                    Add(ref _convertedStrings, ref _convertedStringsCount, ValueCoercion.FormatFloat(real));
                    if (ValueCoercion.TryIntegerFromFloat(real, out var truncated))
                    {
                        Add(ref _convertedIntegers, ref _convertedIntegersCount, truncated);
                    }

                    break;
                case OverflowKind.Boolean:
                    Add(ref _convertedStrings, ref _convertedStringsCount, _booleans[i] ? "true" : "false");
                    break;
                case OverflowKind.Date:
                    Add(ref _convertedStrings, ref _convertedStringsCount, ValueCoercion.FormatDate(_dates[i]));
                    break;
                case OverflowKind.String or OverflowKind.Text or OverflowKind.Ip:
                    var text = _strings[i];
                    if (ValueCoercion.TryInteger(text, out var parsedInteger))
                    {
                        Add(ref _convertedIntegers, ref _convertedIntegersCount, parsedInteger);
                    }

                    if (ValueCoercion.TryFloat(text, out var parsedFloat))
                    {
                        Add(ref _convertedFloats, ref _convertedFloatsCount, parsedFloat);
                    }

                    if (ValueCoercion.TryBoolean(text, out var parsedBoolean))
                    {
                        Add(ref _convertedBooleans, ref _convertedBooleansCount, parsedBoolean);
                    }

                    if (ValueCoercion.TryDate(text, out var parsedDate))
                    {
                        Add(ref _convertedDates, ref _convertedDatesCount, parsedDate);
                    }

                    break;
            }
        }

        _conversionsValid = true;
    }

    private static void Add<T>(ref T[]? buffer, ref int count, T value)
    {
        buffer ??= new T[4];
        if (count == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }

        buffer[count++] = value;
    }
}
