using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;

namespace Rules.Runtime.Reading;

/// <summary>
/// Streams NDJSON events (one JSON object per line) from a stream, a file, a gzip file, or stdin ("-"). Lines are cut
/// into one pooled buffer that grows only up to <see cref="EventReaderOptions.MaxLineBytes"/>, so memory does not grow
/// with the input. Bad lines never stop the stream: each is counted in <see cref="Statistics"/>, reported through
/// <see cref="EventReaderOptions.OnBadLine"/>, and skipped.
/// </summary>
public sealed class EventReader : IDisposable
{
    private const int ReadChunk = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly EventReaderOptions _options;
    private readonly EventDocumentParser _parser;
    private bool _reading;

    public EventReader(Stream stream, EventReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _options = options ?? new EventReaderOptions();
        if (_options.MaxLineBytes <= 0 || _options.MaxDepth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxLineBytes and MaxDepth must be positive.");
        }

        _stream = GzipDetection.Unwrap(stream, leaveOpen, out var ownsStream);
        _leaveOpen = leaveOpen && !ownsStream;
        _parser = new EventDocumentParser(_options, Statistics);
    }

    public ReadStatistics Statistics { get; } = new();

    /// <summary>Opens a file (gzip detected by magic bytes, whatever its name) or stdin when the path is "-".</summary>
    public static EventReader Open(string path, EventReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path == "-"
            ? new EventReader(Console.OpenStandardInput(), options)
            : new EventReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan), options);
    }

    /// <summary>
    /// The events, one per valid line. With <see cref="EventReaderOptions.ReuseEvent"/> (the default) every item is the
    /// same instance, refilled for each line: use it before asking for the next one and do not keep it.
    /// </summary>
    public IEnumerable<EcsEvent> ReadEvents()
    {
        if (_reading)
        {
            throw new InvalidOperationException("ReadEvents can be enumerated once per reader.");
        }

        _reading = true;
        return ReadEventsCore();
    }

    private IEnumerable<EcsEvent> ReadEventsCore()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk * 2);
        var reused = _options.ReuseEvent ? new EcsEvent() : null;
        try
        {
            var start = 0;      // first byte of the current line in buffer
            var end = 0;        // end of valid data in buffer
            var scanned = 0;    // bytes of the current line already searched for a newline
            var skipping = false; // inside an over-long line: discard until its newline
            long lineNumber = 0;
            var endOfInput = false;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start + scanned, end - start - scanned);
                if (newline < 0 && !endOfInput)
                {
                    scanned = end - start;
                    if (skipping)
                    {
                        // Drop what we have of the over-long line; keep reading until its end.
                        start = end = scanned = 0;
                    }
                    else if (end - start > _options.MaxLineBytes)
                    {
                        lineNumber++;
                        Statistics.AddLine();
                        Report(lineNumber, BadLineReason.LineTooLong, $"line longer than {_options.MaxLineBytes} bytes");
                        skipping = true;
                        start = end = scanned = 0;
                    }

                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }

                    if (buffer.Length - end < ReadChunk)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, end + ReadChunk));
                        Buffer.BlockCopy(buffer, 0, larger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = _stream.Read(buffer, end, buffer.Length - end);
                    if (read == 0)
                    {
                        endOfInput = true;
                    }

                    end += read;
                    continue;
                }

                var lineEnd = newline >= 0 ? newline : end;
                var complete = newline >= 0;
                if (skipping)
                {
                    skipping = false;
                }
                else if (lineEnd > start || complete)
                {
                    lineNumber++;
                    Statistics.AddLine();
                    var line = buffer.AsSpan(start, lineEnd - start);
                    if (line.Length > _options.MaxLineBytes)
                    {
                        Report(lineNumber, BadLineReason.LineTooLong, $"line longer than {_options.MaxLineBytes} bytes");
                    }
                    else
                    {
                        var target = reused ?? new EcsEvent();
                        var outcome = _parser.Parse(line, target, isLastLineWithoutNewline: !complete, out var reason, out var message);
                        if (outcome == ParseOutcome.Event)
                        {
                            Statistics.AddEvent();
                            yield return target;
                        }
                        else if (outcome == ParseOutcome.Empty)
                        {
                            Statistics.AddEmptyLine();
                        }
                        else
                        {
                            Report(lineNumber, reason, message);
                        }
                    }
                }

                if (!complete)
                {
                    yield break;
                }

                start = newline + 1;
                scanned = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Report(long lineNumber, BadLineReason reason, string message)
    {
        Statistics.AddBadLine(reason);
        _options.OnBadLine?.Invoke(new BadLine(lineNumber, reason, message));
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}

/// <summary>Recognises gzip by its magic bytes (1f 8b), on seekable and non-seekable streams alike.</summary>
internal static class GzipDetection
{
    public static Stream Unwrap(Stream stream, bool leaveOpen, out bool ownsStream)
    {
        var prefix = new byte[2];
        var count = 0;
        while (count < 2)
        {
            var read = stream.Read(prefix, count, 2 - count);
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        Stream rest;
        if (stream.CanSeek)
        {
            stream.Seek(-count, SeekOrigin.Current);
            rest = stream;
            ownsStream = false;
        }
        else
        {
            rest = new PrefixedStream(prefix.AsMemory(0, count), stream, leaveOpen);
            ownsStream = true;
        }

        if (count == 2 && prefix[0] == 0x1f && prefix[1] == 0x8b)
        {
            ownsStream = true;
            return new GZipStream(rest, CompressionMode.Decompress, leaveOpen: leaveOpen && rest == stream);
        }

        return rest;
    }

    /// <summary>Replays bytes already read from a non-seekable stream before reading on.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner, bool leaveInnerOpen) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_prefix.IsEmpty)
            {
                var n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span.Slice(0, n).CopyTo(buffer);
                _prefix = _prefix.Slice(n);
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveInnerOpen)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
