namespace Serverless.Standalone.Bench.Load;

/// <summary>
/// What the host used during a measured run: storage requests (<c>/healthz</c> counters), CPU time and working set.
/// A scenario stops it once its instances are final, before it reads node detail for its checks, so those reads do not
/// count; the bench's status reads while waiting (one at a time) do.
/// </summary>
internal sealed class LoadMeter
{
    private readonly LoadHost? _host;
    private RequestCounts _before;
    private TimeSpan _cpuBefore;
    private CpuMeter _machineBefore;

    private LoadMeter(LoadHost? host) => _host = host;

    /// <summary>A meter that measures nothing (warm-up).</summary>
    public static LoadMeter None { get; } = new(null);

    /// <summary>Storage requests between start and stop.</summary>
    public RequestCounts Requests { get; private set; }

    /// <summary>Host CPU time between start and stop.</summary>
    public TimeSpan Cpu { get; private set; }

    /// <summary>CPU of the host process, Azurite and the bench, and the wall time, between start and stop.</summary>
    public string CpuSplit { get; private set; } = "";

    /// <summary>The host's working set at stop and its peak so far, in bytes.</summary>
    public (long Current, long Peak) Memory { get; private set; }

    /// <summary>Whether <see cref="StopAsync"/> ran.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Starts measuring <paramref name="host"/>.</summary>
    public static async Task<LoadMeter> StartAsync(LoadHost host, CancellationToken cancellationToken)
    {
        var meter = new LoadMeter(host)
        {
            _before = await host.CountersAsync(cancellationToken),
            _cpuBefore = host.Process.CpuTime(),
        };
        meter._machineBefore = CpuMeter.Sample(meter._cpuBefore);
        return meter;
    }

    /// <summary>Stops measuring (the first call counts; later ones and the warm-up's do nothing).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is null || Stopped)
        {
            return;
        }

        Requests = await _host.CountersAsync(cancellationToken) - _before;
        var cpu = _host.Process.CpuTime();
        Cpu = cpu - _cpuBefore;
        CpuSplit = CpuMeter.Since(_machineBefore, cpu);
        Memory = _host.Process.WorkingSet();
        Stopped = true;
    }
}
