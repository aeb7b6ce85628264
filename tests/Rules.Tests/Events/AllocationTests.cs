using System.Text;
using Rules.Runtime;
using Rules.Runtime.Reading;
using Xunit.Abstractions;

namespace Rules.Tests.Events;

/// <summary>
/// Allocation per event of the reader with a reused record (docs/event-record.md, "Allocation"): numbers and booleans
/// cost nothing once buffers are warm, whatever the number of fields; strings cost what the record keeps.
/// </summary>
[Collection(AllocationCollection.Name)]
public class AllocationTests(ITestOutputHelper output)
{
    private static readonly string[] NumericEcsFields =
    [
        "process.pid", "process.parent.pid", "source.port", "destination.port", "source.bytes", "destination.bytes",
        "network.bytes", "network.packets", "event.severity", "event.duration", "process.args_count", "process.exit_code",
        "http.response.status_code", "http.request.bytes", "file.size", "process.interactive", "event.risk_score",
        "process.parent.args_count", "source.packets", "destination.packets",
    ];

    private static string Document(int fields, int line)
    {
        var builder = new StringBuilder("{");
        for (var i = 0; i < fields; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            if (i < NumericEcsFields.Length)
            {
                var name = NumericEcsFields[i];
                builder.Append('"').Append(name).Append("\":").Append(name == "process.interactive" ? "true" : (line + i).ToString());
            }
            else
            {
                // Non-ECS numeric fields, nested, as integrations write them.
                builder.Append("\"custom\":{\"alloc\":{\"n").Append(i).Append("\":").Append(line * i).Append("}}");
            }
        }

        return builder.Append('}').ToString();
    }

    private static long AllocatedBytesReading(byte[] ndjson)
    {
        using var reader = new EventReader(new MemoryStream(ndjson));
        var before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        foreach (var e in reader.ReadEvents())
        {
            sum += e.Process?.Pid ?? 0;
        }

        var after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(sum > 0);
        return after - before;
    }

    private static byte[] Lines(int count, int fields, Func<int, int, string> document) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, count).Select(i => document(fields, i) + "\n")));

    /// <summary>Marginal bytes per event: the difference between reading 4,000 and 2,000 lines, over 2,000.</summary>
    private static double BytesPerEvent(int fields, Func<int, int, string> document)
    {
        AllocatedBytesReading(Lines(200, fields, document)); // warm up: registrations, buffers, JIT
        var small = AllocatedBytesReading(Lines(2000, fields, document));
        var large = AllocatedBytesReading(Lines(4000, fields, document));
        return (large - small) / 2000.0;
    }

    [Fact]
    public void Numeric_fields_allocate_nothing_per_event_whatever_their_number()
    {
        var few = BytesPerEvent(4, Document);
        var many = BytesPerEvent(40, Document);
        output.WriteLine($"bytes per event: 4 numeric fields {few:F1}, 40 numeric fields (20 ECS, 20 overflow) {many:F1}");
        Assert.True(few < 16, $"4 fields: {few} bytes per event");
        Assert.True(many < 16, $"40 fields: {many} bytes per event");
    }

    private static string WithStrings(int fields, int line, Func<int, int, string> value)
    {
        var builder = new StringBuilder("{\"process\":{\"pid\":").Append(line);
        for (var i = 0; i < fields; i++)
        {
            builder.Append(",\"custom_s").Append(i).Append("\":\"").Append(value(line, i)).Append('"');
        }

        return builder.Append("}}").ToString();
    }

    [Fact]
    public void New_string_values_allocate_what_the_record_keeps()
    {
        static string Unique(int fields, int line) => WithStrings(fields, line, (l, i) => "v" + i.ToString("D2") + "-" + l.ToString("D5"));

        var few = BytesPerEvent(4, Unique);
        var many = BytesPerEvent(40, Unique);
        // Each kept string "vII-LLLLL" is a 9-char string object: 22 + 2*9 bytes, rounded to 40 on 64-bit.
        output.WriteLine($"bytes per event: 4 new strings {few:F1}, 40 new strings {many:F1}; per string {(many - few) / 36:F1}");
        Assert.True((many - few) / 36 <= 48, $"per kept string: {(many - few) / 36}");
        Assert.True((many - few) / 36 >= 32, $"per kept string: {(many - few) / 36}: each new value is a new string");
    }

    [Fact]
    public void Recurring_string_values_and_arrays_allocate_nothing()
    {
        // Values that recur across events (host names, agent versions, process names) come from the reader's string
        // cache, and arrays whose length matches the previous event's are refilled in place.
        static string Recurring(int fields, int line) =>
            WithStrings(fields, line, (l, i) => "value-" + i + "-" + (l % 10)).Replace("{\"process\":{", "{\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},\"host\":{\"ip\":[\"10.0.0." + (line % 7) + "\",\"fe80::1\"],\"name\":\"WKSTN-" + (line % 50) + "\"},\"process\":{\"args\":[\"cmd.exe\",\"/c\",\"x" + (line % 3) + "\"],");

        // The least of three measurements: a test elsewhere declaring fields meanwhile makes readers refresh a table once.
        var few = Enumerable.Range(0, 3).Min(_ => BytesPerEvent(4, Recurring));
        var many = Enumerable.Range(0, 3).Min(_ => BytesPerEvent(40, Recurring));
        output.WriteLine($"bytes per event: 4 recurring strings {few:F1}, 40 recurring strings {many:F1}");
        Assert.True(few < 16, $"4 fields: {few} bytes per event");
        Assert.True(many < 16, $"40 fields: {many} bytes per event");
    }
}

/// <summary>Runs alone: other tests registering fields at the same time would make readers refresh their caches.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class AllocationCollection
{
    public const string Name = "Allocation measurements";
}
