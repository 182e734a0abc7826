using System.Globalization;

namespace Serverless.Standalone.Bench;

/// <summary>Whether a figure is a target's first work after it started, or comes after a warm-up.</summary>
internal enum Phase
{
    /// <summary>The scenario run first thing on a freshly started target, with no warm-up.</summary>
    First,

    /// <summary>The scenario run on a target that was warmed up (and may have run earlier scenarios).</summary>
    Warm,
}

/// <summary>One column of figures: a target, a phase, and for the standalone host a client mode.</summary>
internal sealed record Column(string Target, Phase Phase, ClientMode? Mode)
{
    /// <summary>The column's header, e.g. <c>standalone first, keep-alive</c> or <c>DTFx warm</c>.</summary>
    public string Label => (Target == Report.Standalone ? "standalone" : "DTFx") + (Phase == Phase.First ? " first" : " warm")
        + (Mode is { } mode ? ", " + mode.Label() : "");
}

/// <summary>The figures of a run and the markdown tables and checks they end in.</summary>
internal sealed class Report(IReadOnlyList<string> scenarios)
{
    /// <summary>The standalone host's target name.</summary>
    public const string Standalone = "standalone";

    /// <summary>The Durable Task path's target name.</summary>
    public const string Durable = "durable";

    private readonly Dictionary<(Column Column, string Scenario), ScenarioResult> _results = [];
    private readonly Dictionary<(Column Column, string Scenario), List<ScenarioResult>> _samples = [];
    private readonly List<Column> _columns = [];

    /// <summary>Scenarios that failed.</summary>
    public int Failures { get; private set; }

    /// <summary>The 1, 5 and 15 minute load averages (<c>/proc/loadavg</c>).</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>Whether <paramref name="column"/> has a figure (or a failure) for <paramref name="scenario"/>.</summary>
    public bool Has(Column column, string scenario) => _results.ContainsKey((column, scenario));

    /// <summary>
    /// Records a measured scenario. A scenario measured more than once (<c>--repeat</c>) is reported by its median run
    /// (by figure, the lower middle one for an even count), which names every run's figure; failed runs are counted out.
    /// </summary>
    public void Add(Column column, string scenario, ScenarioResult result)
    {
        if (!_columns.Contains(column))
        {
            _columns.Add(column);
        }

        if (!_samples.TryGetValue((column, scenario), out var samples))
        {
            _samples[(column, scenario)] = samples = [];
        }

        samples.Add(result);
        if (samples.Count == 1)
        {
            _results[(column, scenario)] = result;
            return;
        }

        var measured = samples.Where(r => !double.IsNaN(r.Figure)).OrderBy(r => r.Figure).ToList();
        var failed = samples.Count - measured.Count;
        var runs = $"median of {samples.Count} runs: {string.Join(", ", samples.Select(r => Number(r.Figure, scenario)))}";
        var median = measured.Count == 0 ? null : measured[(measured.Count - 1) / 2];
        _results[(column, scenario)] = median is null
            ? result with { Result = $"{result.Result} ({runs})" }
            : median with { Result = $"{median.Result} ({runs}{(failed > 0 ? $"; {failed} failed" : "")})" };
    }

    /// <summary>Records a scenario that failed (or whose target did not start).</summary>
    public void Fail(Column column, string scenario, Exception ex)
    {
        Failures++;
        var message = $"FAILED: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}";
        System.Console.WriteLine($"{column.Label} | {Workloads.Label(scenario)} | {message}");
        Add(column, scenario, new ScenarioResult(double.NaN, message, ""));
    }

    /// <summary>Prints the tables: headline figures and ratios, the checks of issue 15, figures in full, requests and CPU.</summary>
    public void Print()
    {
        var columns = _columns.OrderBy(c => c.Target == Standalone ? 0 : 1).ThenBy(c => c.Phase == Phase.Warm ? 0 : 1).ThenBy(c => c.Mode).ToList();
        var warmRatio = (Standalone: new Column(Standalone, Phase.Warm, ClientMode.KeepAlive), Durable: new Column(Durable, Phase.Warm, null));
        var firstRatio = (Standalone: new Column(Standalone, Phase.First, ClientMode.KeepAlive), Durable: new Column(Durable, Phase.First, null));
        var ratios = new[] { ("ratio warm (keep-alive)", warmRatio), ("ratio first (keep-alive)", firstRatio) }
            .Where(r => _columns.Contains(r.Item2.Standalone) && _columns.Contains(r.Item2.Durable)).ToList();

        System.Console.WriteLine();
        var cell = _samples.Values.Any(v => v.Count > 1) ? "the median of the runs per cell (each run's figure under figures in full)" : "one run per cell";
        System.Console.WriteLine($"Headline figures, {cell} (A, B: nodes/s; C: instances/s; D: events/s; E: seconds until all 200 are done).");
        System.Console.WriteLine("A ratio is standalone ÷ DTFx for A-D and DTFx ÷ standalone for E: above 1, the standalone host is that many times faster.");
        System.Console.WriteLine();
        System.Console.WriteLine($"| scenario | unit | {string.Join(" | ", columns.Select(c => c.Label).Concat(ratios.Select(r => r.Item1)))} | goal |");
        System.Console.WriteLine($"|---|---|{string.Concat(Enumerable.Repeat("---|", columns.Count + ratios.Count))}---|");
        foreach (var scenario in scenarios)
        {
            var cells = columns.Select(c => Figure(c, scenario)).Concat(ratios.Select(r => Ratio(r.Item2.Standalone, r.Item2.Durable, scenario)));
            System.Console.WriteLine($"| {Workloads.Label(scenario)} | {Workloads.Unit(scenario)} | {string.Join(" | ", cells)} | {Workloads.Goal(scenario)} |");
        }

        System.Console.WriteLine();
        System.Console.WriteLine("Checks (issue 15):");
        System.Console.WriteLine();
        System.Console.WriteLine("| check | result | figures |");
        System.Console.WriteLine("|---|---|---|");
        foreach (var mode in new[] { ClientMode.KeepAlive, ClientMode.NewConnection })
        {
            PrintAtLeast(
                $"standalone first D ≥ 2× DTFx first D ({mode.Label()})", new(Standalone, Phase.First, mode), new(Durable, Phase.First, null), "D", 2, "DTFx first");
        }

        foreach (var scenario in new[] { "A", "C" })
        {
            PrintAtLeast(
                $"standalone first {scenario} within 2× of warm {scenario} (keep-alive)",
                new(Standalone, Phase.First, ClientMode.KeepAlive),
                new(Standalone, Phase.Warm, ClientMode.KeepAlive),
                scenario,
                0.5,
                "warm");
        }

        PrintPerRun(columns, "figures", r => r.Result);
        PrintPerRun(columns, "storage requests per step (the host's, or the provider's) and CPU", r => r.Requests);

        foreach (var column in columns)
        {
            foreach (var scenario in scenarios.Where(s => _results.TryGetValue((column, s), out var r) && r.Detail is not null))
            {
                System.Console.WriteLine();
                System.Console.WriteLine($"{column.Label} {Workloads.Label(scenario)}: {_results[(column, scenario)].Detail}");
            }
        }

        if (_columns.Any(c => c is { Target: Durable, Phase: Phase.First }))
        {
            System.Console.WriteLine();
            System.Console.WriteLine(
                "DTFx first: each scenario ran on a new engine, sidecar, worker and client (a task hub of its own) in the bench process, whose JIT had "
                + "already compiled what earlier work in that process ran (the earlier DTFx first scenarios, and the HTTP client that drove the "
                + "standalone host); that favours DTFx. Each standalone first scenario ran in a new host process.");
        }

        if (_columns.Any(c => c.Target == Durable))
        {
            System.Console.WriteLine(
                "DTFx runs with Durable Functions' default maxQueuePollingInterval (30 s): a queue that stays empty backs its polling off towards "
                + "30 s, so work that arrives after a quiet spell (a fresh start, the end of the warm-up) can wait for the next poll, as on a deployed "
                + "app whose host.json sets nothing.");
        }
    }

    // One row per scenario and run, its last column headed `heading` and filled by `pick`.
    private void PrintPerRun(List<Column> columns, string heading, Func<ScenarioResult, string> pick)
    {
        System.Console.WriteLine();
        System.Console.WriteLine($"| scenario | run | {heading} |");
        System.Console.WriteLine("|---|---|---|");
        foreach (var scenario in scenarios)
        {
            foreach (var column in columns.Where(c => _results.ContainsKey((c, scenario))))
            {
                System.Console.WriteLine($"| {Workloads.Label(scenario)} | {column.Label} | {pick(_results[(column, scenario)])} |");
            }
        }
    }

    private static string Number(double value, string scenario) => double.IsNaN(value)
        ? "FAILED"
        : value.ToString(scenario switch { "C" => "F1", "E" => "F2", _ => "F0" }, CultureInfo.InvariantCulture);

    private string Figure(Column column, string scenario)
        => _results.TryGetValue((column, scenario), out var result) ? Number(result.Figure, scenario) : "not run";

    private double? Value(Column column, string scenario)
        => _results.TryGetValue((column, scenario), out var result) && !double.IsNaN(result.Figure) ? result.Figure : null;

    private string Ratio(Column standalone, Column durable, string scenario)
    {
        if (Value(standalone, scenario) is not { } s || Value(durable, scenario) is not { } d)
        {
            return "n/a";
        }

        var ratio = Workloads.HigherIsBetter(scenario) ? s / d : d / s;
        return ratio.ToString("F1", CultureInfo.InvariantCulture);
    }

    // Met when `subject` reaches `factor` times `reference` (a rate; for E, a time, the other way round).
    private void PrintAtLeast(string check, Column subject, Column reference, string scenario, double factor, string referenceName)
    {
        if (!scenarios.Contains(scenario))
        {
            return;
        }

        var unit = Workloads.Unit(scenario);
        if (Value(subject, scenario) is not { } s || Value(reference, scenario) is not { } r)
        {
            System.Console.WriteLine($"| {check} | not measured | needs {subject.Label} and {reference.Label} {scenario} |");
            return;
        }

        var met = Workloads.HigherIsBetter(scenario) ? s >= factor * r : s <= r / factor;
        var ratio = Workloads.HigherIsBetter(scenario) ? s / r : r / s;
        System.Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {check} | {(met ? "met" : "missed")} | {Number(s, scenario)} {unit} against {referenceName} {Number(r, scenario)} {unit}: {ratio:F2}× (needs ≥ {factor:0.##}×) |"));
    }
}
