namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>Counts the records of a CSV answer (RFC 4180) as it arrives: line feeds outside quoted fields, less the header's.</summary>
internal sealed class CsvRowCounter : IAnswerReader
{
    private readonly byte[] _buffer = new byte[AnswerReader.BufferSize];
    private bool _quoted;
    private long _lines;
    private bool _ended;

    public long Rows => _ended
        ? Math.Max(0, _lines - 1)
        : throw new InvalidOperationException("The CSV answer has not been read to its end.");

    public Memory<byte> Free() => _buffer;

    public void Advance(int count)
    {
        if (count == 0)
        {
            End();
        }
        else
        {
            Scan(_buffer.AsSpan(0, count), (byte)'"', (byte)'\n');
        }
    }

    /// <summary>Counts CSV read as text rather than bytes.</summary>
    public void Scan(ReadOnlySpan<char> text) => Scan(text, '"', '\n');

    public void End() =>
        _ended = !_quoted ? true : throw new InvalidOperationException("The CSV answer ends inside a quoted field.");

    private void Scan<T>(ReadOnlySpan<T> rest, T quote, T lineFeed) where T : IEquatable<T>
    {
        while (true)
        {
            var at = _quoted ? rest.IndexOf(quote) : rest.IndexOfAny(quote, lineFeed);
            if (at < 0)
            {
                return;
            }

            if (rest[at].Equals(quote))
            {
                // A doubled quote inside a quoted field turns quoting off and on again.
                _quoted = !_quoted;
            }
            else
            {
                _lines++;
            }

            rest = rest[(at + 1)..];
        }
    }
}
