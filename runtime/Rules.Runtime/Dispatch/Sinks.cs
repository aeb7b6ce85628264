using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Rules.Runtime;

/// <summary>Writes each alert as one JSON line (the Elastic alert document, see <see cref="AlertJson"/>).</summary>
public sealed class NdjsonAlertSink : IAlertSink, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly bool _durable;
    // One sink writes one alert at a time (its delivery task): the line buffer and JSON writer are reused.
    private readonly ArrayBufferWriter<byte> _line = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;

    /// <param name="stream">Where the lines go.</param>
    /// <param name="ownsStream">Dispose the stream with the sink.</param>
    /// <param name="durable">On flush, also flush to the storage device (files), not only to the OS.</param>
    public NdjsonAlertSink(Stream stream, bool ownsStream = false, bool durable = false, string name = "ndjson")
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _durable = durable;
        Name = name;
        _writer = new Utf8JsonWriter(_line, AlertJson.WriterOptions);
    }

    public string Name { get; }

    /// <summary>An NDJSON file sink: appends, and flushes to disk whenever the queue runs empty.</summary>
    public static NdjsonAlertSink ToFile(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024), ownsStream: true, durable: true, name: "file:" + path);

    /// <summary>Standard output.</summary>
    public static NdjsonAlertSink ToStandardOutput() => new(Console.OpenStandardOutput(), ownsStream: false, durable: false, name: "stdout");

    public async ValueTask WriteAsync(Alert alert, CancellationToken cancellationToken)
    {
        _line.ResetWrittenCount();
        _writer.Reset(_line);
        AlertJson.Write(_writer, _line, alert);
        _line.GetSpan(1)[0] = (byte)'\n';
        _line.Advance(1);
        await _stream.WriteAsync(_line.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_durable && _stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
            return ValueTask.CompletedTask;
        }

        return new ValueTask(_stream.FlushAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Calls back into the host for every alert.</summary>
public sealed class CallbackAlertSink : IAlertSink
{
    private readonly Func<Alert, CancellationToken, ValueTask> _callback;

    public CallbackAlertSink(Func<Alert, CancellationToken, ValueTask> callback, string name = "callback")
    {
        _callback = callback;
        Name = name;
    }

    public CallbackAlertSink(Action<Alert> callback, string name = "callback")
        : this((alert, _) =>
        {
            callback(alert);
            return ValueTask.CompletedTask;
        }, name)
    {
    }

    public string Name { get; }

    public ValueTask WriteAsync(Alert alert, CancellationToken cancellationToken) => _callback(alert, cancellationToken);

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Exposes the alerts as a <see cref="ChannelReader{T}"/> for a consumer that pulls.</summary>
public sealed class ChannelAlertSink : IAlertSink
{
    private readonly Channel<Alert> _channel;

    public ChannelAlertSink(int capacity = 10_000, string name = "channel")
    {
        _channel = Channel.CreateBounded<Alert>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
        Name = name;
    }

    public string Name { get; }

    public ChannelReader<Alert> Reader => _channel.Reader;

    public ValueTask WriteAsync(Alert alert, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(alert, cancellationToken);

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Tells the reader no more alerts will come.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
