using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Engine.Execution;
using static Serverless.Engine.Tests.Infrastructure.ExecutionTestKit;

namespace Serverless.Engine.Tests.Execution;

public sealed class ActivityNodeExecutorTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services;
    private readonly INodeExecutor _executor;

    public ActivityNodeExecutorTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddScoped<Counter>();
        services.AddWorkflowExecutors(o => o.Activities.MaxOutputBytes = 1000);
        services.AddWorkflowActivity<AddActivity>("add");
        services.AddWorkflowActivity<ThrowingActivity>("throws");
        services.AddWorkflowActivity<TypedFailureActivity>("out-of-stock");
        services.AddWorkflowActivity<HangingActivity>("hangs");
        services.AddWorkflowActivity<StubbornActivity>("ignores-cancellation");
        services.AddWorkflowActivity<BigActivity>("big");
        services.AddWorkflowActivity<ContextActivity>("context");
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _executor = _services.GetRequiredService<INodeExecutor>();
    }

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _services.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task ExecuteAsync_TypedInput_ReturnsSerializedOutput()
    {
        var outcome = await _executor.ExecuteAsync(ActivityWork("add", new { a = 2, b = 40, label = "sum" }), Ct);

        var output = Succeeded(outcome).Output;
        Assert.Equal(42, output.GetProperty("total").GetInt32());
        Assert.Equal("sum", output.GetProperty("label").GetString());
    }

    [Theory]
    [InlineData("""{"a":"two","b":1}""", "$.a")]
    [InlineData("""{"b":1}""", "$")]
    [InlineData("""[1,2]""", "$")]
    public async Task ExecuteAsync_InputThatDoesNotFit_FailsWithValidationErrorAndJsonPath(string input, string jsonPath)
    {
        var outcome = await _executor.ExecuteAsync(ActivityWork("add", Json(input)), Ct);

        var failed = Failed(outcome, ErrorTypes.ValidationError);
        Assert.Equal(jsonPath, failed.Error.Details!.Value.GetProperty("jsonPath").GetString());
        Assert.Equal("/nodes/act/input", failed.Error.Details!.Value.GetProperty("path").GetString());
        Assert.Contains("AddInput", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NullInputForRequiredType_FailsWithValidationError()
    {
        var outcome = await _executor.ExecuteAsync(ActivityWork("add", Json("null")), Ct);

        Assert.Contains("is required", Failed(outcome, ErrorTypes.ValidationError).Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ActivityThrows_FailsWithActivityErrorNamingTheExceptionWithoutStack()
    {
        var outcome = await _executor.ExecuteAsync(ActivityWork("throws", new { }), Ct);

        var failed = Failed(outcome, ErrorTypes.ActivityError);
        Assert.Equal("activity 'throws' threw InvalidOperationException: the ledger is closed", failed.Error.Message);
        Assert.Equal("System.InvalidOperationException", failed.Error.Details!.Value.GetProperty("exceptionType").GetString());
        Assert.DoesNotContain(" at ", JsonSerializer.Serialize<NodeOutcome>(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ActivityFailedException_UsesItsErrorType()
    {
        var outcome = await _executor.ExecuteAsync(ActivityWork("out-of-stock", new { }), Ct);

        var failed = Failed(outcome, "OutOfStock");
        Assert.Equal("sku-1 is out of stock", failed.Error.Message);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownActivity_FailsWithActivityError()
    {
        var outcome = await _executor.ExecuteAsync(ActivityWork("nope", new { }), Ct);

        Assert.Equal("activity 'nope' is not registered", Failed(outcome, ErrorTypes.ActivityError).Error.Message);
    }

    [Theory]
    [InlineData("hangs")]
    [InlineData("ignores-cancellation")]
    public async Task ExecuteAsync_PastTheTimeout_FailsWithTimeout(string activity)
    {
        var running = _executor.ExecuteAsync(ActivityWork(activity, new { }, TimeSpan.FromSeconds(30)), Ct);
        await UntilAsync(() => Started.Contains(activity), Ct);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(running.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var outcome = await running.WaitAsync(Ct);

        Assert.Contains("did not finish within 00:00:30", Failed(outcome, ErrorTypes.Timeout).Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_OutputPastTheLimit_FailsWithOutputTooLarge()
    {
        var small = await _executor.ExecuteAsync(ActivityWork("big", 100), Ct);
        var big = await _executor.ExecuteAsync(ActivityWork("big", 5000), Ct);

        Succeeded(small);
        Assert.Contains("over the limit of 1000 bytes", Failed(big, ErrorTypes.OutputTooLarge).Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_Context_CarriesInstancePathKeyAttemptAndAFreshScope()
    {
        var first = await _executor.ExecuteAsync(ActivityWork("context", new { }, attempt: 4), Ct);
        var second = await _executor.ExecuteAsync(ActivityWork("context", new { }, attempt: 4), Ct);

        var output = Succeeded(first).Output;
        Assert.Equal("orders-1", output.GetProperty("instanceId").GetString());
        Assert.Equal("act", output.GetProperty("path").GetString());
        Assert.Equal("orders-1:act:0:4", output.GetProperty("idempotencyKey").GetString());
        Assert.Equal(4, output.GetProperty("attempt").GetInt32());
        Assert.Equal(1, output.GetProperty("scopedCount").GetInt32());
        Assert.Equal(1, Succeeded(second).Output.GetProperty("scopedCount").GetInt32());
    }

    [Fact]
    public void AddWorkflowActivity_DuplicateName_FailsWhenResolved()
    {
        var services = new ServiceCollection().AddLogging().AddWorkflowExecutors();
        services.AddWorkflowActivity<AddActivity>("same").AddWorkflowActivity<ThrowingActivity>("same");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(provider.GetRequiredService<INodeExecutor>);

        Assert.Contains("'same' is registered twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWorkflowActivity_NotAnActivityOrBadName_Throws()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddWorkflowActivity<Counter>("counter"));
        Assert.Throws<ArgumentException>(() => services.AddWorkflowActivity<AddActivity>("has space"));
    }

    [Fact]
    public void AddWorkflowExecutors_InvalidOptions_FailWhenResolved()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddWorkflowExecutors(o => o.Activities.DefaultTimeout = TimeSpan.Zero)
            .BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(provider.GetRequiredService<INodeExecutor>);

        Assert.Contains("Activities.DefaultTimeout", ex.Message, StringComparison.Ordinal);
    }

    internal static readonly System.Collections.Concurrent.ConcurrentBag<string> Started = [];

    internal sealed record AddInput(int A, int B, string? Label = null);

    internal sealed record AddOutput(int Total, string? Label);

    internal sealed class Counter
    {
        public int Count { get; set; }
    }

    internal sealed class AddActivity : IWorkflowActivity<AddInput, AddOutput>
    {
        public Task<AddOutput> RunAsync(AddInput input, ActivityContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new AddOutput(input.A + input.B, input.Label));
    }

    internal sealed class ThrowingActivity : IWorkflowActivity<JsonElement, int>
    {
        public Task<int> RunAsync(JsonElement input, ActivityContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the ledger is closed");
    }

    internal sealed class TypedFailureActivity : IWorkflowActivity<JsonElement, int>
    {
        public Task<int> RunAsync(JsonElement input, ActivityContext context, CancellationToken cancellationToken) =>
            Task.FromException<int>(new ActivityFailedException("OutOfStock", "sku-1 is out of stock"));
    }

    internal sealed class HangingActivity : IWorkflowActivity<JsonElement, int>
    {
        public async Task<int> RunAsync(JsonElement input, ActivityContext context, CancellationToken cancellationToken)
        {
            Started.Add("hangs");
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    internal sealed class StubbornActivity : IWorkflowActivity<JsonElement, int>
    {
        private static readonly TaskCompletionSource<int> Never = new();

        public Task<int> RunAsync(JsonElement input, ActivityContext context, CancellationToken cancellationToken)
        {
            Started.Add("ignores-cancellation");
            return Never.Task;
        }
    }

    internal sealed class BigActivity : IWorkflowActivity<int, string>
    {
        public Task<string> RunAsync(int input, ActivityContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new string('x', input));
    }

    internal sealed class ContextActivity(Counter counter) : IWorkflowActivity<JsonElement, object>
    {
        public Task<object> RunAsync(JsonElement input, ActivityContext context, CancellationToken cancellationToken)
        {
            counter.Count++;
            return Task.FromResult<object>(new
            {
                context.InstanceId,
                context.Path,
                context.IdempotencyKey,
                context.Attempt,
                ScopedCount = counter.Count,
            });
        }
    }
}
