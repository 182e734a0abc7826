using System.Diagnostics;
using System.Globalization;

namespace Serverless.Standalone.Bench;

/// <summary>
/// CPU time of this process, of its child processes (the private Azurite, and the standalone host when it runs as a
/// process of its own) and of that host, so a scenario shows whether the host, the emulator or the bench did the work.
/// Linux only (<c>/proc</c>); elsewhere the children count as zero.
/// </summary>
internal readonly record struct CpuMeter(TimeSpan Process, TimeSpan Children, TimeSpan? Host, TimeSpan Wall)
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <summary>CPU used so far; <paramref name="host"/> is the host process' CPU time when it runs in a process of its own.</summary>
    public static CpuMeter Sample(TimeSpan? host)
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new(self.TotalProcessorTime, ChildrenTime(), host, Clock.Elapsed);
    }

    /// <summary>
    /// What was used between <paramref name="before"/> and now, e.g. <c>CPU 1.2 s bench process + 3.4 s Azurite in 5.0 s</c>,
    /// or with a host process <c>CPU 0.8 s host process + 3.4 s Azurite + 0.4 s bench process in 5.0 s</c>.
    /// </summary>
    public static string Since(CpuMeter before, TimeSpan? host)
    {
        var now = Sample(host);
        var bench = (now.Process - before.Process).TotalSeconds;
        var children = (now.Children - before.Children).TotalSeconds;
        var wall = (now.Wall - before.Wall).TotalSeconds;
        if (now.Host is { } hostNow && before.Host is { } hostBefore)
        {
            var hostSeconds = (hostNow - hostBefore).TotalSeconds;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"CPU {hostSeconds:F1} s host process + {Math.Max(children - hostSeconds, 0):F1} s Azurite + {bench:F1} s bench process in {wall:F1} s");
        }

        return string.Create(CultureInfo.InvariantCulture, $"CPU {bench:F1} s bench process + {children:F1} s Azurite in {wall:F1} s");
    }

    private static TimeSpan ChildrenTime()
    {
        const double ticksPerSecond = 100; // USER_HZ on Linux
        var total = 0L;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                foreach (var pid in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // Not Linux, or a child exited between the listing and the read.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return TimeSpan.FromSeconds(total / ticksPerSecond);
    }
}
