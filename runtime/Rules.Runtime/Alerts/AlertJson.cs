using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Rules.Runtime;

/// <summary>
/// Writes an alert as an Elastic Security alert document: the source event's ECS fields, then the
/// <c>kibana.alert.*</c> fields Elastic writes (rule identity and metadata, severity, risk score, threat mapping,
/// original time, reason). See docs/alerts.md. The source fields are streamed token by token from the event's
/// captured JSON (<see cref="CapturedEvent"/>) into the writer: no document tree, no second serialisation.
/// </summary>
public static class AlertJson
{
    /// <summary>The writer settings of the alert document (default escaping, compact).</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RuleMetadata, byte[]> RuleBlocks = new();

    // The captured JSON came from EventWriter, whose depth the event reader already bounded.
    private static readonly JsonReaderOptions SourceReaderOptions = new() { MaxDepth = 256 };

    public static void Write(Stream output, Alert alert)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Write(writer, alert);
    }

    public static string ToJson(Alert alert)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, buffer, alert);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Write(Utf8JsonWriter writer, Alert alert) => Write(writer, null, alert);

    /// <summary>Writes the document with <paramref name="writer"/>, which writes to <paramref name="output"/> (when
    /// given, the rule's constant fields are copied there from a per-rule cache).</summary>
    internal static void Write(Utf8JsonWriter writer, IBufferWriter<byte>? output, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(alert);
        var rule = alert.Rule;
        writer.WriteStartObject();
        WriteSourceFields(writer, alert.Source.Json.Span);
        writer.WriteString("@timestamp"u8, alert.DetectedAt);
        writer.WriteString("kibana.alert.uuid"u8, alert.Id);
        writer.WriteString("kibana.alert.start"u8, alert.DetectedAt);
        writer.WriteString("kibana.alert.last_detected"u8, alert.DetectedAt);
        writer.WriteString("kibana.alert.status"u8, "active");
        writer.WriteString("kibana.alert.workflow_status"u8, "open");
        writer.WriteStartArray("kibana.space_ids"u8);
        writer.WriteStringValue("default");
        writer.WriteEndArray();
        writer.WriteNumber("kibana.alert.depth"u8, alert.Depth);
        writer.WriteStartArray("kibana.alert.ancestors"u8);
        for (var i = 0; i < alert.Ancestors.Count; i++)
        {
            var ancestor = alert.Ancestors[i];
            writer.WriteStartObject();
            writer.WriteString("id"u8, ancestor.Id);
            writer.WriteString("type"u8, ancestor.Type);
            writer.WriteString("index"u8, ancestor.Index);
            writer.WriteNumber("depth"u8, ancestor.Depth);
            if (ancestor.Rule is not null)
            {
                writer.WriteString("rule"u8, ancestor.Rule);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (alert.OriginalTime is { } originalTime)
        {
            writer.WriteString("kibana.alert.original_time"u8, originalTime);
        }

        writer.WriteString("kibana.alert.reason"u8, alert.Reason);
        writer.WriteString("kibana.alert.severity"u8, alert.Severity);
        writer.WriteNumber("kibana.alert.risk_score"u8, alert.RiskScore);
        if (alert.BuildingBlockType.Length > 0)
        {
            writer.WriteString("kibana.alert.building_block_type"u8, alert.BuildingBlockType);
        }

        if (alert.Group is { } group)
        {
            writer.WriteString("kibana.alert.group.id"u8, group.Id);
            if (group.Index is { } index)
            {
                writer.WriteNumber("kibana.alert.group.index"u8, index);
            }
        }

        if (alert.Threshold is { } threshold)
        {
            writer.WriteStartObject("kibana.alert.threshold_result"u8);
            writer.WriteStartArray("terms"u8);
            foreach (var term in threshold.Terms)
            {
                writer.WriteStartObject();
                writer.WriteString("field"u8, term.Field);
                writer.WriteString("value"u8, term.Values.Count > 0 ? term.Values[0] : null);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (threshold.Cardinality.Count > 0)
            {
                writer.WriteStartArray("cardinality"u8);
                foreach (var cardinality in threshold.Cardinality)
                {
                    writer.WriteStartObject();
                    writer.WriteString("field"u8, cardinality.Field);
                    writer.WriteNumber("value"u8, cardinality.Value);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteNumber("count"u8, threshold.Count);
            writer.WriteString("from"u8, threshold.From);
            writer.WriteEndObject();
        }

        if (alert.NewTerms is { } newTerms)
        {
            WriteStrings(writer, "kibana.alert.new_terms"u8, newTerms);
        }

        if (alert.Suppression is { } suppression)
        {
            writer.WriteStartArray("kibana.alert.suppression.terms"u8);
            foreach (var term in suppression.Terms)
            {
                writer.WriteStartObject();
                writer.WriteString("field"u8, term.Field);
                if (alert.Threshold is not null && term.Values.Count == 1)
                {
                    // A threshold bucket's key holds one value per field (Kibana writes bucket.key's values).
                    writer.WriteString("value"u8, term.Values[0]);
                }
                else if (term.Values.Count == 0)
                {
                    writer.WriteNull("value"u8);
                }
                else
                {
                    WriteStrings(writer, "value"u8, term.Values);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("kibana.alert.suppression.start"u8, suppression.Start);
            writer.WriteString("kibana.alert.suppression.end"u8, suppression.End);
            writer.WriteNumber("kibana.alert.suppression.docs_count"u8, suppression.DocsCount);
            writer.WriteString("kibana.alert.instance.id"u8, AlertIds.Hash(rule.RuleId, "suppression",
                string.Join("\u001e", suppression.Terms.Select(t => t.Field + "=" + string.Join("\u001f", t.Values)))));
        }

        writer.WriteString("kibana.alert.rule.uuid"u8, rule.RuleId);
        writer.WriteString("kibana.alert.rule.rule_id"u8, rule.RuleId);
        writer.WriteString("kibana.alert.rule.name"u8, alert.RuleName);
        if (output is not null)
        {
            // The rule's own fields are the same in every alert of the rule: written once, then copied as bytes
            // after what the writer has so far (the writer still closes the object: its state stays valid).
            writer.Flush();
            output.Write(RuleBlock(rule));
        }
        else
        {
            WriteRuleFields(writer, rule);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>The rule's fields (description to parameters), as written between commas inside the document.</summary>
    private static void WriteRuleFields(Utf8JsonWriter writer, RuleMetadata rule)
    {
        writer.WriteString("kibana.alert.rule.description"u8, rule.Description);
        writer.WriteString("kibana.alert.rule.type"u8, rule.Type);
        writer.WriteString("kibana.alert.rule.rule_type_id"u8, RuleTypeId(rule.Type));
        writer.WriteString("kibana.alert.rule.category"u8, RuleCategory(rule.Type));
        writer.WriteString("kibana.alert.rule.producer"u8, "siem");
        writer.WriteString("kibana.alert.rule.consumer"u8, "siem");
        writer.WriteString("kibana.alert.rule.severity"u8, rule.Severity);
        writer.WriteNumber("kibana.alert.rule.risk_score"u8, rule.RiskScore);
        writer.WriteNumber("kibana.alert.rule.version"u8, rule.Version);
        writer.WriteString("kibana.alert.rule.from"u8, rule.From);
        writer.WriteString("kibana.alert.rule.interval"u8, rule.Interval);
        writer.WriteNumber("kibana.alert.rule.max_signals"u8, rule.MaxSignals > 0 ? rule.MaxSignals : RuleTiming.DefaultMaxSignals);
        writer.WriteString("kibana.alert.rule.license"u8, rule.License);
        if (rule.BuildingBlockType.Length > 0)
        {
            writer.WriteString("kibana.alert.rule.building_block_type"u8, rule.BuildingBlockType);
        }

        if (rule.TimestampOverride.Length > 0)
        {
            writer.WriteString("kibana.alert.rule.timestamp_override"u8, rule.TimestampOverride);
        }

        if (rule.RuleNameOverride.Length > 0)
        {
            writer.WriteString("kibana.alert.rule.rule_name_override"u8, rule.RuleNameOverride);
        }

        WriteStrings(writer, "kibana.alert.rule.author"u8, rule.Author);
        WriteStrings(writer, "kibana.alert.rule.tags"u8, rule.Tags);
        WriteStrings(writer, "kibana.alert.rule.references"u8, rule.References);
        WriteStrings(writer, "kibana.alert.rule.false_positives"u8, rule.FalsePositives);
        WriteStrings(writer, "kibana.alert.rule.index"u8, rule.Index);
        writer.WriteString("kibana.alert.rule.language"u8, rule.Language);
        writer.WriteString("kibana.alert.rule.query"u8, rule.Query);
        writer.WritePropertyName("kibana.alert.rule.threat"u8);
        WriteThreat(writer, rule.Threat);
        writer.WritePropertyName("kibana.alert.rule.parameters"u8);
        WriteParameters(writer, rule);
    }

    private static byte[] RuleBlock(RuleMetadata rule) => RuleBlocks.GetValue(rule, static rule =>
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            WriteRuleFields(writer, rule);
            writer.WriteEndObject();
        }

        // "{" + fields + "}" becomes "," + fields: the fields follow kibana.alert.rule.name.
        var block = buffer.WrittenSpan[..^1].ToArray();
        block[0] = (byte)',';
        return block;
    });

    /// <summary>
    /// The source event's fields, as Elastic copies them into the alert: @timestamp is left out (the alert has its
    /// own), event.kind becomes "signal", and the original event.* fields follow as kibana.alert.original_event.*.
    /// Names and strings are unescaped and written again with the alert's escaping; numbers keep their text.
    /// </summary>
    private static void WriteSourceFields(Utf8JsonWriter writer, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, SourceReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidOperationException("The captured event is not a JSON object.");
        }

        var eventStart = -1;
        var eventEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("@timestamp"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (reader.ValueTextEquals("event"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    eventStart = (int)reader.TokenStartIndex;
                    writer.WriteStartObject("event"u8);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("kind"u8))
                        {
                            reader.Read();
                            reader.Skip();
                            continue;
                        }

                        CopyToken(ref reader, writer);
                        reader.Read();
                        CopyValue(ref reader, writer);
                    }

                    eventEnd = (int)reader.BytesConsumed;
                    writer.WriteString("kind"u8, "signal"u8);
                    writer.WriteEndObject();
                    continue;
                }

                writer.WritePropertyName("event"u8);
                CopyValue(ref reader, writer);
                continue;
            }

            CopyToken(ref reader, writer);
            reader.Read();
            CopyValue(ref reader, writer);
        }

        if (eventStart < 0)
        {
            writer.WriteStartObject("event"u8);
            writer.WriteString("kind"u8, "signal"u8);
            writer.WriteEndObject();
            return;
        }

        var original = new Utf8JsonReader(json[eventStart..eventEnd], SourceReaderOptions);
        original.Read();
        while (original.Read() && original.TokenType == JsonTokenType.PropertyName)
        {
            WriteOriginalEventName(ref original, writer);
            original.Read();
            CopyValue(ref original, writer);
        }
    }

    /// <summary>Copies the value the reader is on (a scalar, or an object or array with all it holds).</summary>
    private static void CopyValue(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        var depth = reader.CurrentDepth;
        CopyToken(ref reader, writer);
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            while (reader.Read())
            {
                CopyToken(ref reader, writer);
                if (reader.CurrentDepth == depth)
                {
                    break;
                }
            }
        }
    }

    private static void CopyToken(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName:
            case JsonTokenType.String:
                CopyText(ref reader, writer, reader.TokenType == JsonTokenType.PropertyName);
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
            default:
                throw new InvalidOperationException($"Unexpected {reader.TokenType} in a captured event.");
        }
    }

    private static void CopyText(ref Utf8JsonReader reader, Utf8JsonWriter writer, bool isName)
    {
        if (!reader.ValueIsEscaped)
        {
            Write(writer, reader.ValueSpan, isName);
            return;
        }

        // Escaped text is never longer unescaped.
        byte[]? rented = null;
        var length = reader.ValueSpan.Length;
        var buffer = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = reader.CopyString(buffer);
        Write(writer, buffer[..written], isName);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8, bool isName)
        {
            if (isName)
            {
                writer.WritePropertyName(utf8);
            }
            else
            {
                writer.WriteStringValue(utf8);
            }
        }
    }

    private static void WriteOriginalEventName(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        var prefix = "kibana.alert.original_event."u8;
        byte[]? rented = null;
        var length = prefix.Length + reader.ValueSpan.Length;
        var buffer = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        prefix.CopyTo(buffer);
        var nameLength = reader.ValueIsEscaped ? reader.CopyString(buffer[prefix.Length..]) : CopyRaw(reader.ValueSpan, buffer[prefix.Length..]);
        writer.WritePropertyName(buffer[..(prefix.Length + nameLength)]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        static int CopyRaw(ReadOnlySpan<byte> source, Span<byte> destination)
        {
            source.CopyTo(destination);
            return source.Length;
        }
    }

    // The rule-type settings as Kibana keeps them in kibana.alert.rule.parameters.
    private static void WriteParameters(Utf8JsonWriter writer, RuleMetadata rule)
    {
        writer.WriteStartObject();
        writer.WriteString("rule_id"u8, rule.RuleId);
        writer.WriteString("type"u8, rule.Type);
        writer.WriteString("severity"u8, rule.Severity);
        writer.WriteNumber("risk_score"u8, rule.RiskScore);
        writer.WriteStartArray("severity_mapping"u8);
        foreach (var mapping in rule.SeverityMapping)
        {
            writer.WriteStartObject();
            writer.WriteString("field"u8, mapping.Field);
            writer.WriteString("operator"u8, mapping.Operator);
            writer.WriteString("value"u8, mapping.Value);
            writer.WriteString("severity"u8, mapping.Severity);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("risk_score_mapping"u8);
        foreach (var mapping in rule.RiskScoreMapping)
        {
            writer.WriteStartObject();
            writer.WriteString("field"u8, mapping.Field);
            writer.WriteString("operator"u8, mapping.Operator);
            writer.WriteString("value"u8, mapping.Value);
            if (mapping.RiskScore is { } score)
            {
                writer.WriteNumber("risk_score"u8, score);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (rule.Threshold is { } threshold)
        {
            writer.WriteStartObject("threshold"u8);
            WriteStrings(writer, "field"u8, threshold.Fields);
            writer.WriteNumber("value"u8, threshold.Value);
            writer.WriteStartArray("cardinality"u8);
            foreach (var cardinality in threshold.Cardinality)
            {
                writer.WriteStartObject();
                writer.WriteString("field"u8, cardinality.Field);
                writer.WriteNumber("value"u8, cardinality.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (rule.NewTerms is { } newTerms)
        {
            WriteStrings(writer, "new_terms_fields"u8, newTerms.Fields);
            writer.WriteString("history_window_start"u8, newTerms.HistoryWindowStart);
        }

        if (rule.AlertSuppression is { } suppression)
        {
            writer.WriteStartObject("alert_suppression"u8);
            WriteStrings(writer, "group_by"u8, suppression.GroupBy);
            if (RuleTiming.TryParseDuration(suppression.Duration, out var duration))
            {
                var (value, unit) = DurationParts(suppression.Duration, duration);
                writer.WriteStartObject("duration"u8);
                writer.WriteNumber("value"u8, value);
                writer.WriteString("unit"u8, unit);
                writer.WriteEndObject();
            }

            writer.WriteString("missing_fields_strategy"u8, suppression.MissingFieldsStrategy.Length > 0 ? suppression.MissingFieldsStrategy : "suppress");
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static (long Value, string Unit) DurationParts(string text, TimeSpan duration)
    {
        var unit = text.Trim()[^1].ToString();
        return unit == "w" ? ((long)duration.TotalDays, "d") : (long.Parse(text.Trim()[..^1], System.Globalization.CultureInfo.InvariantCulture), unit);
    }

    private static string RuleCategory(string type) => type switch
    {
        "eql" => "Event Correlation Rule",
        "query" => "Custom Query Rule",
        "threshold" => "Threshold Rule",
        "new_terms" => "New Terms Rule",
        _ => type,
    };

    private static string RuleTypeId(string type) => type switch
    {
        "eql" => "siem.eqlRule",
        "query" => "siem.queryRule",
        "threshold" => "siem.thresholdRule",
        "new_terms" => "siem.newTermsRule",
        _ => "siem." + type,
    };

    private static void WriteStrings(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteStringValue(values[i]);
        }

        writer.WriteEndArray();
    }

    private static void WriteThreat(Utf8JsonWriter writer, IReadOnlyList<ThreatMapping> threats)
    {
        writer.WriteStartArray();
        foreach (var threat in threats)
        {
            writer.WriteStartObject();
            writer.WriteString("framework"u8, threat.Framework);
            writer.WritePropertyName("tactic"u8);
            WriteEntry(writer, threat.Tactic);
            writer.WriteStartArray("technique"u8);
            foreach (var technique in threat.Techniques)
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, technique.Technique.Id);
                writer.WriteString("name"u8, technique.Technique.Name);
                writer.WriteString("reference"u8, technique.Technique.Reference);
                writer.WriteStartArray("subtechnique"u8);
                foreach (var sub in technique.Subtechniques)
                {
                    WriteEntry(writer, sub);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteEntry(Utf8JsonWriter writer, MitreEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, entry.Id);
        writer.WriteString("name"u8, entry.Name);
        writer.WriteString("reference"u8, entry.Reference);
        writer.WriteEndObject();
    }
}
