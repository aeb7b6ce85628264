using System;

namespace Rules.Runtime;

/// <summary>
/// Hand-written part of the ECS event record (the fields are generated into EcsEvent.g.cs by Rules.CatalogTool):
/// non-ECS fields, reset for reuse, and access by dotted path for code and tests. See docs/event-record.md.
/// </summary>
public sealed partial class EcsEvent
{
    /// <summary>Every field that is not an ECS field, plus the complete values of ECS fields the record could not hold
    /// (an array given for a single-valued field, a value of the wrong shape).</summary>
    public OverflowFields Overflow { get; } = new();

    /// <summary>Resets every field so the instance can hold the next event.</summary>
    public void Clear()
    {
        ClearValues();
        Overflow.Clear();
        Nested.Clear();
    }

    /// <summary>
    /// The value at a dotted path for code and tests: the ECS property when the path is an ECS field and the document
    /// fitted it, else the overflow value (scalar, or array when the document gave several); null when absent.
    /// </summary>
    public object? this[string path] => TryGet(path, out var value) ? value : null;

    public bool TryGet(string path, out object? value)
    {
        // Overflow first: for an ECS path it holds the complete original when the typed property could keep only part.
        if (Overflow.TryGet(path, out value))
        {
            return true;
        }

        if (EcsFieldTable.TryGetId(path, out var id))
        {
            value = EcsFieldTable.GetValue(this, id);
            return value is not null;
        }

        value = null;
        return false;
    }

    /// <summary>Sets a field by path: the ECS property when the path is an ECS field of a fitting type, else overflow.</summary>
    public void Set(string path, string value)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && SetEcsString(id, value)))
        {
            Overflow.Set(path, value);
        }
    }

    public void Set(string path, params string[] values)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && EcsFieldTable.SetStrings(this, id, values)))
        {
            Overflow.Set(path, values);
            if (IsSingleValuedEcs(path, values.Length, out id))
            {
                // As the reader does: the property keeps the first value, overflow all of them.
                SetEcsString(id, values[0]);
            }
        }
    }

    public void Set(string path, long value)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && (EcsFieldTable.SetLong(this, id, value) || EcsFieldTable.SetLongs(this, id, [value])
            || EcsFieldTable.SetDouble(this, id, value) || EcsFieldTable.SetDoubles(this, id, [value]))))
        {
            Overflow.Set(path, value);
        }
    }

    public void Set(string path, params long[] values)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && EcsFieldTable.SetLongs(this, id, values)))
        {
            Overflow.Set(path, values);
            if (IsSingleValuedEcs(path, values.Length, out id))
            {
                _ = EcsFieldTable.SetLong(this, id, values[0]) || EcsFieldTable.SetDouble(this, id, values[0]);
            }
        }
    }

    public void Set(string path, double value)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && (EcsFieldTable.SetDouble(this, id, value) || EcsFieldTable.SetDoubles(this, id, [value]))))
        {
            Overflow.Set(path, value);
        }
    }

    public void Set(string path, params double[] values)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && EcsFieldTable.SetDoubles(this, id, values)))
        {
            Overflow.Set(path, values);
            if (IsSingleValuedEcs(path, values.Length, out id))
            {
                EcsFieldTable.SetDouble(this, id, values[0]);
            }
        }
    }

    public void Set(string path, bool value)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && (EcsFieldTable.SetBoolean(this, id, value) || EcsFieldTable.SetBooleans(this, id, [value]))))
        {
            Overflow.Set(path, value);
        }
    }

    public void Set(string path, params bool[] values)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && EcsFieldTable.SetBooleans(this, id, values)))
        {
            Overflow.Set(path, values);
            if (IsSingleValuedEcs(path, values.Length, out id))
            {
                EcsFieldTable.SetBoolean(this, id, values[0]);
            }
        }
    }

    public void Set(string path, DateTimeOffset value)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && (EcsFieldTable.SetDate(this, id, value) || EcsFieldTable.SetDates(this, id, [value]))))
        {
            Overflow.Set(path, value);
        }
    }

    public void Set(string path, params DateTimeOffset[] values)
    {
        if (!(EcsFieldTable.TryGetId(path, out var id) && EcsFieldTable.SetDates(this, id, values)))
        {
            Overflow.Set(path, values);
            if (IsSingleValuedEcs(path, values.Length, out id))
            {
                EcsFieldTable.SetDate(this, id, values[0]);
            }
        }
    }

    private static bool IsSingleValuedEcs(string path, int valueCount, out int id) =>
        EcsFieldTable.TryGetId(path, out id) && !EcsFieldTable.All[id].IsArray && valueCount > 0;

    /// <summary>A string for an ECS field: stored as is for string kinds (a one-element array for array fields), converted
    /// as Elasticsearch would for the other kinds.</summary>
    private bool SetEcsString(int id, string value)
    {
        if (EcsFieldTable.SetString(this, id, value) || EcsFieldTable.SetStrings(this, id, [value]))
        {
            return true;
        }

        var field = EcsFieldTable.All[id];
        return field.Kind switch
        {
            OverflowKind.Integer when !field.IsArray && ValueCoercion.TryInteger(value, out var integer) => EcsFieldTable.SetLong(this, id, integer),
            OverflowKind.Float when !field.IsArray && ValueCoercion.TryFloat(value, out var real) => EcsFieldTable.SetDouble(this, id, real),
            OverflowKind.Boolean when !field.IsArray && ValueCoercion.TryBoolean(value, out var boolean) => EcsFieldTable.SetBoolean(this, id, boolean),
            OverflowKind.Date when !field.IsArray && ValueCoercion.TryDate(value, out var date) => EcsFieldTable.SetDate(this, id, date),
            _ => false,
        };
    }
}
