using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>
/// The value combinations of several fields of one event, as a composite aggregation over multi-valued fields
/// buckets them: the cartesian product of each field's values; none when a field is missing (Elasticsearch puts
/// a document missing a terms field in no bucket). Capped, since the product of arrays can explode.
/// </summary>
internal static class TermCombinations
{
    public static List<string[]> Of(EcsEvent e, IReadOnlyList<string> fields, int max)
    {
        var result = new List<string[]>();
        if (fields.Count == 0)
        {
            result.Add(System.Array.Empty<string>());
            return result;
        }

        var valuesPerField = new List<string>[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            var values = new List<string>(1);
            EventFieldValues.AppendStrings(e, fields[i], values);
            if (values.Count == 0)
            {
                return result;
            }

            // An array with repeated values is one bucket per distinct value.
            valuesPerField[i] = values.Count == 1 ? values : Distinct(values);
        }

        var current = new string[fields.Count];
        Expand(valuesPerField, 0, current, result, max);
        return result;
    }

    private static void Expand(List<string>[] valuesPerField, int index, string[] current, List<string[]> result, int max)
    {
        if (result.Count >= max)
        {
            return;
        }

        if (index == valuesPerField.Length)
        {
            result.Add((string[])current.Clone());
            return;
        }

        foreach (var value in valuesPerField[index])
        {
            current[index] = value;
            Expand(valuesPerField, index + 1, current, result, max);
        }
    }

    private static List<string> Distinct(List<string> values)
    {
        var distinct = new List<string>(values.Count);
        foreach (var value in values)
        {
            if (!distinct.Contains(value))
            {
                distinct.Add(value);
            }
        }

        return distinct;
    }

    public static string Key(string[] values) => string.Join("\u001f", values);
}
