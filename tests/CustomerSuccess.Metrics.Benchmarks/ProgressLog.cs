using System.Diagnostics;
using System.Globalization;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>Progress lines with the time since the run started, so a long run's log shows where the time went.</summary>
internal sealed class ProgressLog(TextWriter output) : TextWriter
{
    private readonly Stopwatch _since = Stopwatch.StartNew();

    public override System.Text.Encoding Encoding => output.Encoding;

    public override void WriteLine(string? value)
    {
        var elapsed = _since.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(int)elapsed.TotalHours:00}:{elapsed:mm\\:ss}] {value}"));
        output.Flush();
    }

    public override void Write(char value) => output.Write(value);
}
