using System.Globalization;
using System.Net;

namespace Serverless.Engine.Execution;

/// <summary>
/// Options of the node executors that do I/O (<c>http</c> and <c>activity</c> nodes). Set them in
/// <see cref="WorkflowExecutorServiceCollectionExtensions.AddWorkflowExecutors"/> or bind them from configuration
/// (section <c>Executors</c> by convention). Every default is documented and every value validated when the
/// executors are first resolved.
/// </summary>
public sealed class WorkflowExecutorOptions
{
    /// <summary>Options of <c>http</c> nodes.</summary>
    public HttpNodeOptions Http { get; set; } = new();

    /// <summary>Options of <c>activity</c> nodes.</summary>
    public ActivityNodeOptions Activities { get; set; } = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every invalid value.</summary>
    internal void Validate()
    {
        var problems = new List<string>();
        Http.Validate(problems);
        Activities.Validate(problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid WorkflowExecutorOptions: " + string.Join(" ", problems));
        }
    }

    internal static void Range(List<string> problems, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}; it is {value}."));
        }
    }

    internal static void Range(List<string> problems, string name, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}; it is {value}."));
        }
    }
}
