using System.Buffers.Binary;
using System.Security.Cryptography;
using NodaTime;

namespace CustomerSuccess.Metrics.Messaging;

/// <summary>
/// Identifiers for arriving messages that sort in the order the messages arrived, as PostgreSQL compares uuids (byte by
/// byte): the first 48 bits are the Unix time in milliseconds, the other 80 a number that starts at random each
/// millisecond and only grows within it. Should the clock stand still or step back, the number keeps growing from where
/// it was, so every identifier is greater than the one before it.
/// </summary>
public sealed class ArrivalOrder(IClock clock)
{
    private static readonly UInt128 SequenceMask = (UInt128.One << 80) - 1;

    private readonly Lock _gate = new();
    private long _milliseconds = long.MinValue;
    private UInt128 _sequence;

    public Guid Next()
    {
        var now = clock.GetCurrentInstant().ToUnixTimeMilliseconds();
        Span<byte> bytes = stackalloc byte[16];
        lock (_gate)
        {
            if (now > _milliseconds)
            {
                _milliseconds = now;
                // Random below 2^79, so the number has room to grow within the millisecond.
                Span<byte> random = stackalloc byte[16];
                RandomNumberGenerator.Fill(random);
                _sequence = BinaryPrimitives.ReadUInt128BigEndian(random) & (SequenceMask >> 1);
            }
            else if (++_sequence > SequenceMask)
            {
                _milliseconds++;
                _sequence = 0;
            }

            BinaryPrimitives.WriteUInt128BigEndian(bytes, ((UInt128)(ulong)_milliseconds << 80) | _sequence);
        }

        return new Guid(bytes, bigEndian: true);
    }
}
