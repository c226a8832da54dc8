using System.Globalization;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>
/// The process a private PostgreSQL cluster belongs to, recorded in the cluster's folder so that a later start
/// can tell a leftover from a cluster in use. A process id alone is not enough: once its owner is gone the id is
/// handed to some other process, which would then keep the leftover alive for ever. With the process's start
/// time (clock ticks since boot, from <c>/proc/PID/stat</c>) and the boot's id, the record names one process only.
/// </summary>
public sealed record ClusterOwner(int ProcessId, long StartTime, string BootId)
{
    public const string FileName = "owner";

    public static ClusterOwner Current =>
        Of(Environment.ProcessId) ?? throw new InvalidOperationException("This process is missing from /proc.");

    /// <summary>Whether the recorded process still runs (a zombie has ended: it only waits to be reaped).</summary>
    public bool IsAlive => Of(ProcessId) == this;

    /// <summary>The running process with this id, or null when there is none.</summary>
    public static ClusterOwner? Of(int processId)
    {
        string stat;
        string bootId;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
            bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return null;
        }

        // The command name in parentheses may itself hold spaces and parentheses; the fields after it do not.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var state = fields[0];
        if (state is "Z" or "X")
        {
            return null;
        }

        return new ClusterOwner(processId, long.Parse(fields[19], CultureInfo.InvariantCulture), bootId);
    }

    /// <summary>The owner recorded in a cluster's folder; null when there is no record or it is incomplete.</summary>
    public static ClusterOwner? ReadFrom(string directory)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(directory, FileName));
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 3
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
               && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startTime)
            ? new ClusterOwner(processId, startTime, parts[2])
            : null;
    }

    public void WriteTo(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName),
            string.Create(CultureInfo.InvariantCulture, $"{ProcessId} {StartTime} {BootId}\n"));
}
