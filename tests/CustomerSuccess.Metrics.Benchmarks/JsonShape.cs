using System.Text;
using System.Text.Json;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// Reads a JSON answer as it arrives with a forward-only reader, keeping how many objects stand at each depth (an
/// answer's rows, the objects in a top-level array, are at depth 2; the objects in their arrays at depth 4, and so
/// on) and the top-level object's scalar values as written. The buffer grows only for a token longer than itself.
/// </summary>
internal sealed class JsonShape : IAnswerReader
{
    private const int MaxDepth = 64;

    private readonly long[] _objects = new long[MaxDepth];
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private byte[] _buffer = new byte[AnswerReader.BufferSize];
    private int _filled;
    private JsonReaderState _state;
    private string? _property;
    private bool _ended;

    public long Rows => Objects(2);

    /// <summary>The objects at <paramref name="depth"/>: 2 for the rows of a top-level array, 4 for the rows of their arrays.</summary>
    public long Objects(int depth) => _ended ? _objects[depth] : throw new InvalidOperationException("The JSON answer has not been read to its end.");

    /// <summary>A scalar property of the top-level object as written (a number's digits, a string's text, null for null).</summary>
    public string? Value(string property) =>
        _values.TryGetValue(property, out var value) ? value : throw new InvalidOperationException($"The JSON answer has no top-level \"{property}\".");

    public Memory<byte> Free()
    {
        if (_filled == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        return _buffer.AsMemory(_filled);
    }

    public void Advance(int count)
    {
        _filled += count;
        var final = count == 0;
        var reader = new Utf8JsonReader(_buffer.AsSpan(0, _filled), final, _state);
        Read(ref reader);
        _state = reader.CurrentState;
        var consumed = (int)reader.BytesConsumed;
        _buffer.AsSpan(consumed, _filled - consumed).CopyTo(_buffer);
        _filled -= consumed;
        if (final)
        {
            _ended = _filled == 0 && reader.CurrentDepth == 0
                ? true
                : throw new InvalidOperationException("The JSON answer ends before its top-level object does.");
        }
    }

    private void Read(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    _objects[reader.CurrentDepth]++;
                    break;
                case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                    _property = reader.GetString();
                    break;
                case JsonTokenType.String when reader.CurrentDepth == 1 && _property is not null:
                    _values[_property] = reader.GetString();
                    break;
                case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False when reader.CurrentDepth == 1 && _property is not null:
                    _values[_property] = Encoding.UTF8.GetString(reader.ValueSpan);
                    break;
                case JsonTokenType.Null when reader.CurrentDepth == 1 && _property is not null:
                    _values[_property] = null;
                    break;
            }
        }
    }
}
