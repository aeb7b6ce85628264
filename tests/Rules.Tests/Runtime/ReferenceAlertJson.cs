using Rules.Runtime;
using Rules.Runtime.Reading;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Rules.Tests.Runtime;

/// <summary>
/// The alert document writer as it was before AlertJson streamed the captured event: the event goes through
/// EventWriter, is parsed into a JsonDocument and copied. Kept as the oracle the streaming writer must equal byte
/// for byte (AlertDocumentGoldenTests).
/// </summary>
internal static class ReferenceAlertJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    public static void Write(Stream output, Alert alert)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Write(writer, alert);
    }

    public static string ToJson(Alert alert)
    {
        using var buffer = new MemoryStream();
        Write(buffer, alert);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void Write(Utf8JsonWriter writer, Alert alert)
    {
        var rule = alert.Rule;
        writer.WriteStartObject();
        // The source event's fields first, as Elastic copies them into the alert; @timestamp becomes the alert's
        // time and event.kind becomes "signal" (the original event.* fields move to kibana.alert.original_event.*).
        using (var source = JsonDocument.Parse(EventWriter.ToJson(alert.Event)))
        {
            JsonElement? originalEvent = null;
            foreach (var property in source.RootElement.EnumerateObject())
            {
                if (property.NameEquals("@timestamp"))
                {
                    continue;
                }

                if (property.NameEquals("event") && property.Value.ValueKind == JsonValueKind.Object)
                {
                    originalEvent = property.Value;
                    writer.WriteStartObject("event");
                    foreach (var field in property.Value.EnumerateObject())
                    {
                        if (!field.NameEquals("kind"))
                        {
                            field.WriteTo(writer);
                        }
                    }

                    writer.WriteString("kind", "signal");
                    writer.WriteEndObject();
                    continue;
                }

                property.WriteTo(writer);
            }

            if (originalEvent is null)
            {
                writer.WriteStartObject("event");
                writer.WriteString("kind", "signal");
                writer.WriteEndObject();
            }
            else
            {
                foreach (var field in originalEvent.Value.EnumerateObject())
                {
                    writer.WritePropertyName("kibana.alert.original_event." + field.Name);
                    field.Value.WriteTo(writer);
                }
            }
        }

        writer.WriteString("@timestamp", alert.DetectedAt);
        writer.WriteString("kibana.alert.uuid", alert.Id);
        writer.WriteString("kibana.alert.start", alert.DetectedAt);
        writer.WriteString("kibana.alert.last_detected", alert.DetectedAt);
        writer.WriteString("kibana.alert.status", "active");
        writer.WriteString("kibana.alert.workflow_status", "open");
        writer.WriteStartArray("kibana.space_ids");
        writer.WriteStringValue("default");
        writer.WriteEndArray();
        writer.WriteNumber("kibana.alert.depth", alert.Depth);
        writer.WriteStartArray("kibana.alert.ancestors");
        foreach (var ancestor in alert.Ancestors)
        {
            writer.WriteStartObject();
            writer.WriteString("id", ancestor.Id);
            writer.WriteString("type", ancestor.Type);
            writer.WriteString("index", ancestor.Index);
            writer.WriteNumber("depth", ancestor.Depth);
            if (ancestor.Rule is not null)
            {
                writer.WriteString("rule", ancestor.Rule);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (alert.OriginalTime is { } originalTime)
        {
            writer.WriteString("kibana.alert.original_time", originalTime);
        }

        writer.WriteString("kibana.alert.reason", alert.Reason);
        writer.WriteString("kibana.alert.severity", alert.Severity);
        writer.WriteNumber("kibana.alert.risk_score", alert.RiskScore);
        if (alert.BuildingBlockType.Length > 0)
        {
            writer.WriteString("kibana.alert.building_block_type", alert.BuildingBlockType);
        }

        if (alert.Group is { } group)
        {
            writer.WriteString("kibana.alert.group.id", group.Id);
            if (group.Index is { } index)
            {
                writer.WriteNumber("kibana.alert.group.index", index);
            }
        }

        if (alert.Threshold is { } threshold)
        {
            writer.WriteStartObject("kibana.alert.threshold_result");
            writer.WriteStartArray("terms");
            foreach (var term in threshold.Terms)
            {
                writer.WriteStartObject();
                writer.WriteString("field", term.Field);
                writer.WriteString("value", term.Values.Count > 0 ? term.Values[0] : null);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (threshold.Cardinality.Count > 0)
            {
                writer.WriteStartArray("cardinality");
                foreach (var cardinality in threshold.Cardinality)
                {
                    writer.WriteStartObject();
                    writer.WriteString("field", cardinality.Field);
                    writer.WriteNumber("value", cardinality.Value);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteNumber("count", threshold.Count);
            writer.WriteString("from", threshold.From);
            writer.WriteEndObject();
        }

        if (alert.NewTerms is { } newTerms)
        {
            WriteStrings(writer, "kibana.alert.new_terms", newTerms);
        }

        if (alert.Suppression is { } suppression)
        {
            writer.WriteStartArray("kibana.alert.suppression.terms");
            foreach (var term in suppression.Terms)
            {
                writer.WriteStartObject();
                writer.WriteString("field", term.Field);
                if (alert.Threshold is not null && term.Values.Count == 1)
                {
                    // The one change made to the document since: threshold suppression terms are scalars, as Kibana's.
                    writer.WriteString("value", term.Values[0]);
                }
                else if (term.Values.Count == 0)
                {
                    writer.WriteNull("value");
                }
                else
                {
                    WriteStrings(writer, "value", term.Values);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("kibana.alert.suppression.start", suppression.Start);
            writer.WriteString("kibana.alert.suppression.end", suppression.End);
            writer.WriteNumber("kibana.alert.suppression.docs_count", suppression.DocsCount);
            writer.WriteString("kibana.alert.instance.id", AlertIds.Hash(rule.RuleId, "suppression",
                string.Join("\u001e", suppression.Terms.Select(t => t.Field + "=" + string.Join("\u001f", t.Values)))));
        }

        writer.WriteString("kibana.alert.rule.uuid", rule.RuleId);
        writer.WriteString("kibana.alert.rule.rule_id", rule.RuleId);
        writer.WriteString("kibana.alert.rule.name", alert.RuleName);
        writer.WriteString("kibana.alert.rule.description", rule.Description);
        writer.WriteString("kibana.alert.rule.type", rule.Type);
        writer.WriteString("kibana.alert.rule.rule_type_id", RuleTypeId(rule.Type));
        writer.WriteString("kibana.alert.rule.category", RuleCategory(rule.Type));
        writer.WriteString("kibana.alert.rule.producer", "siem");
        writer.WriteString("kibana.alert.rule.consumer", "siem");
        writer.WriteString("kibana.alert.rule.severity", rule.Severity);
        writer.WriteNumber("kibana.alert.rule.risk_score", rule.RiskScore);
        writer.WriteNumber("kibana.alert.rule.version", rule.Version);
        writer.WriteString("kibana.alert.rule.from", rule.From);
        writer.WriteString("kibana.alert.rule.interval", rule.Interval);
        writer.WriteNumber("kibana.alert.rule.max_signals", rule.MaxSignals > 0 ? rule.MaxSignals : RuleTiming.DefaultMaxSignals);
        writer.WriteString("kibana.alert.rule.license", rule.License);
        if (rule.BuildingBlockType.Length > 0)
        {
            writer.WriteString("kibana.alert.rule.building_block_type", rule.BuildingBlockType);
        }

        if (rule.TimestampOverride.Length > 0)
        {
            writer.WriteString("kibana.alert.rule.timestamp_override", rule.TimestampOverride);
        }

        if (rule.RuleNameOverride.Length > 0)
        {
            writer.WriteString("kibana.alert.rule.rule_name_override", rule.RuleNameOverride);
        }

        WriteStrings(writer, "kibana.alert.rule.author", rule.Author);
        WriteStrings(writer, "kibana.alert.rule.tags", rule.Tags);
        WriteStrings(writer, "kibana.alert.rule.references", rule.References);
        WriteStrings(writer, "kibana.alert.rule.false_positives", rule.FalsePositives);
        WriteStrings(writer, "kibana.alert.rule.index", rule.Index);
        writer.WriteString("kibana.alert.rule.language", rule.Language);
        writer.WriteString("kibana.alert.rule.query", rule.Query);
        writer.WritePropertyName("kibana.alert.rule.threat");
        WriteThreat(writer, rule.Threat);
        writer.WritePropertyName("kibana.alert.rule.parameters");
        WriteParameters(writer, rule);
        writer.WriteEndObject();
        writer.Flush();
    }

    // The rule-type settings as Kibana keeps them in kibana.alert.rule.parameters.
    private static void WriteParameters(Utf8JsonWriter writer, RuleMetadata rule)
    {
        writer.WriteStartObject();
        writer.WriteString("rule_id", rule.RuleId);
        writer.WriteString("type", rule.Type);
        writer.WriteString("severity", rule.Severity);
        writer.WriteNumber("risk_score", rule.RiskScore);
        writer.WriteStartArray("severity_mapping");
        foreach (var mapping in rule.SeverityMapping)
        {
            writer.WriteStartObject();
            writer.WriteString("field", mapping.Field);
            writer.WriteString("operator", mapping.Operator);
            writer.WriteString("value", mapping.Value);
            writer.WriteString("severity", mapping.Severity);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("risk_score_mapping");
        foreach (var mapping in rule.RiskScoreMapping)
        {
            writer.WriteStartObject();
            writer.WriteString("field", mapping.Field);
            writer.WriteString("operator", mapping.Operator);
            writer.WriteString("value", mapping.Value);
            if (mapping.RiskScore is { } score)
            {
                writer.WriteNumber("risk_score", score);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (rule.Threshold is { } threshold)
        {
            writer.WriteStartObject("threshold");
            WriteStrings(writer, "field", threshold.Fields);
            writer.WriteNumber("value", threshold.Value);
            writer.WriteStartArray("cardinality");
            foreach (var cardinality in threshold.Cardinality)
            {
                writer.WriteStartObject();
                writer.WriteString("field", cardinality.Field);
                writer.WriteNumber("value", cardinality.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (rule.NewTerms is { } newTerms)
        {
            WriteStrings(writer, "new_terms_fields", newTerms.Fields);
            writer.WriteString("history_window_start", newTerms.HistoryWindowStart);
        }

        if (rule.AlertSuppression is { } suppression)
        {
            writer.WriteStartObject("alert_suppression");
            WriteStrings(writer, "group_by", suppression.GroupBy);
            if (RuleTiming.TryParseDuration(suppression.Duration, out var duration))
            {
                var (value, unit) = DurationParts(suppression.Duration, duration);
                writer.WriteStartObject("duration");
                writer.WriteNumber("value", value);
                writer.WriteString("unit", unit);
                writer.WriteEndObject();
            }

            writer.WriteString("missing_fields_strategy", suppression.MissingFieldsStrategy.Length > 0 ? suppression.MissingFieldsStrategy : "suppress");
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

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteThreat(Utf8JsonWriter writer, IReadOnlyList<ThreatMapping> threats)
    {
        writer.WriteStartArray();
        foreach (var threat in threats)
        {
            writer.WriteStartObject();
            writer.WriteString("framework", threat.Framework);
            writer.WritePropertyName("tactic");
            WriteEntry(writer, threat.Tactic);
            writer.WriteStartArray("technique");
            foreach (var technique in threat.Techniques)
            {
                writer.WriteStartObject();
                writer.WriteString("id", technique.Technique.Id);
                writer.WriteString("name", technique.Technique.Name);
                writer.WriteString("reference", technique.Technique.Reference);
                writer.WriteStartArray("subtechnique");
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
        writer.WriteString("id", entry.Id);
        writer.WriteString("name", entry.Name);
        writer.WriteString("reference", entry.Reference);
        writer.WriteEndObject();
    }
}
