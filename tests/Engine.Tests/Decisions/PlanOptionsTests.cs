using Serverless.Engine.Decisions;
using Serverless.Engine.Registry;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Decisions;

public sealed class PlanOptionsTests
{
    private const string Workflow = """{ "name": "wf", "nodes": { "a": { "type": "set", "value": 1 } } }""";

    [Theory]
    [InlineData(nameof(PlanOptions.MaxValueBytes), "PlanOptions.MaxValueBytes must be between 1024 and")]
    [InlineData(nameof(PlanOptions.HostMaxConcurrency), "PlanOptions.HostMaxConcurrency must be between 100 and")]
    [InlineData(nameof(PlanOptions.MaxQueuedEvents), "PlanOptions.MaxQueuedEvents must be between 1 and")]
    [InlineData(nameof(PlanOptions.MaxForeachItems), "PlanOptions.MaxForeachItems must be between 1 and")]
    public void Compile_OptionOutOfRange_IsRefusedNamingIt(string option, string message)
    {
        var options = option switch
        {
            nameof(PlanOptions.MaxValueBytes) => new PlanOptions { MaxValueBytes = 1023 },
            nameof(PlanOptions.HostMaxConcurrency) => new PlanOptions { HostMaxConcurrency = 99 },
            nameof(PlanOptions.MaxQueuedEvents) => new PlanOptions { MaxQueuedEvents = 0 },
            _ => new PlanOptions { MaxForeachItems = 0 },
        };

        var plan = Assert.Throws<InvalidOperationException>(() => Wf.Plan(Workflow, options));
        var compiler = Assert.Throws<InvalidOperationException>(() => new WorkflowCompiler(planOptions: options));

        Assert.Contains(message, plan.Message, StringComparison.Ordinal);
        Assert.Equal(plan.Message, compiler.Message);
    }

    [Fact]
    public void Compile_DefaultOptions_Compiles()
    {
        Assert.Same(PlanOptions.Default, Wf.Plan(Workflow).Options);
    }
}
