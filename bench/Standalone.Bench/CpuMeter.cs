using System.Diagnostics;
using System.Globalization;

namespace Serverless.Standalone.Bench;

/// <summary>
/// CPU time of this process and of its child processes (the private Azurite), so a scenario shows whether the host or
/// the emulator did the work. Linux only (<c>/proc</c>); elsewhere the children count as zero.
/// </summary>
internal readonly record struct CpuMeter(TimeSpan Process, TimeSpan Children, TimeSpan Wall)
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <summary>CPU used so far.</summary>
    public static CpuMeter Sample()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new(self.TotalProcessorTime, ChildrenTime(), Clock.Elapsed);
    }

    /// <summary>What was used between <paramref name="before"/> and now, e.g. <c>CPU 1.2 s bench process + 3.4 s Azurite in 5.0 s</c>.</summary>
    public static string Since(CpuMeter before)
    {
        var now = Sample();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"CPU {(now.Process - before.Process).TotalSeconds:F1} s bench process + {(now.Children - before.Children).TotalSeconds:F1} s Azurite in {(now.Wall - before.Wall).TotalSeconds:F1} s");
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
