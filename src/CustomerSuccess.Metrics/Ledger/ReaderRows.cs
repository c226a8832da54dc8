using System.Runtime.CompilerServices;
using Npgsql;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>A query's rows handed on one by one as the database sends them, never gathered into a list.</summary>
public static class ReaderRows
{
    /// <summary>Runs <paramref name="command"/>, which it disposes, and reads each row with <paramref name="read"/>.</summary>
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        NpgsqlCommand command, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
                {
                    yield return read(reader);
                }
            }
        }
    }
}
