namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// Reads an answer's body as it arrives, one buffer at a time, keeping only what it counts: the benchmark holds no
/// more of an export than the API should.
/// </summary>
internal interface IAnswerReader
{
    /// <summary>Where the next bytes of the body go.</summary>
    Memory<byte> Free();

    /// <summary>Takes <paramref name="count"/> bytes just written into <see cref="Free"/>; 0 is the end of the body.</summary>
    void Advance(int count);

    /// <summary>The rows the answer held: CSV records after the header, or the objects in a JSON answer's top-level array.</summary>
    long Rows { get; }
}

internal static class AnswerReader
{
    public const int BufferSize = 64 * 1024;

    /// <summary>Reads the whole body into <paramref name="reader"/> and gives the number of bytes read.</summary>
    public static async Task<long> ReadAsync(Stream body, IAnswerReader reader, CancellationToken cancellation)
    {
        var bytes = 0L;
        while (true)
        {
            var read = await body.ReadAsync(reader.Free(), cancellation);
            reader.Advance(read);
            if (read == 0)
            {
                return bytes;
            }

            bytes += read;
        }
    }
}
