using System.IO.Pipelines;
using System.Text.Json;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>
/// A JSON answer written straight into the response body as its parts are read, with the serializer settings of every
/// other answer (names, dates, instants, money rounding), and sent on every few kilobytes.
/// </summary>
public sealed class JsonRows(PipeWriter body, JsonSerializerOptions options) : IAsyncDisposable
{
    private const int FlushBytes = 16 * 1024;

    private long _sent;

    public Utf8JsonWriter Writer { get; } = new(body, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented });

    public void Property<T>(string name, T value)
    {
        Writer.WritePropertyName(name);
        Item(value);
    }

    public void Item<T>(T value) => JsonSerializer.Serialize(Writer, value, options);

    /// <summary>
    /// Sends what is written so far once it has grown past a few kilobytes. The serializer hands what it writes on to the
    /// body as it finishes each value, where it would wait, unsent, for the end of the answer.
    /// </summary>
    public async ValueTask SendIfFullAsync(CancellationToken cancellation)
    {
        if (Writer.BytesCommitted + Writer.BytesPending - _sent >= FlushBytes)
        {
            await SendAsync(cancellation).ConfigureAwait(false);
        }
    }

    public async ValueTask SendAsync(CancellationToken cancellation)
    {
        await Writer.FlushAsync(cancellation).ConfigureAwait(false);
        _sent = Writer.BytesCommitted;
        await body.FlushAsync(cancellation).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Writer.DisposeAsync();
}
