namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>Reads a process's resident set every <c>period</c> until stopped, keeping the highest reading.</summary>
internal sealed class ResidentSampler
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<long> _read;
    private readonly Task _sampling;
    private long _peak;
    private int _samples;

    private ResidentSampler(Func<long> read, TimeSpan period)
    {
        _read = read;
        _sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(period);
            do
            {
                Sample();
            }
            while (await WaitAsync(timer));

            // One last reading, so that the end of the span measured is sampled too.
            Sample();
        });
    }

    public static ResidentSampler Start(Func<long> read, TimeSpan period) => new(read, period);

    /// <summary>Stops, and gives the highest reading and how many were taken.</summary>
    public async Task<(long Peak, int Samples)> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
        return (_peak, _samples);
    }

    private void Sample()
    {
        _peak = Math.Max(_peak, _read());
        _samples++;
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
