using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Engine.Execution;

namespace Serverless.Engine.Tests.Execution;

public sealed class WorkflowExecutorOptionsTests
{
    [Fact]
    public void Validator_Defaults_Succeed()
    {
        Assert.True(new WorkflowExecutorOptionsValidator().Validate(Options.DefaultName, new WorkflowExecutorOptions()).Succeeded);
    }

    [Theory]
    [InlineData("Http.DefaultTimeout")]
    [InlineData("Http.MaxResponseBytes")]
    [InlineData("Http.MaxErrorBodyLength")]
    [InlineData("Http.MaxRedirects")]
    [InlineData("Http.MaxConcurrencyPerHost")]
    [InlineData("Http.PooledConnectionLifetime")]
    [InlineData("Http.ConnectTimeout")]
    [InlineData("Http.CircuitBreaker.FailureRatio")]
    [InlineData("Http.CircuitBreaker.MinimumThroughput")]
    [InlineData("Http.CircuitBreaker.SamplingDuration")]
    [InlineData("Http.CircuitBreaker.BreakDuration")]
    [InlineData("Activities.DefaultTimeout")]
    [InlineData("Activities.MaxOutputBytes")]
    public void Validate_OutOfRange_NamesTheOption(string option)
    {
        var options = new WorkflowExecutorOptions();
        OutOfRange(options, option);

        var ex = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.StartsWith("Invalid WorkflowExecutorOptions: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"WorkflowExecutorOptions.{option} must be", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NaNFailureRatio_IsRefused()
    {
        var options = new WorkflowExecutorOptions();
        options.Http.CircuitBreaker.FailureRatio = double.NaN;

        var ex = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Http.CircuitBreaker.FailureRatio", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWorkflowExecutors_InvalidOptions_FailStartupValidation()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddWorkflowExecutors(o => o.Http.MaxRedirects = 21)
            .BuildServiceProvider();

        // What a host's StartAsync runs first (ValidateOnStart).
        var ex = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("WorkflowExecutorOptions.Http.MaxRedirects must be between 0 and 20.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Executors_OverOptionsCreate_RefuseInvalidOptions()
    {
        var options = new WorkflowExecutorOptions();
        options.Http.ConnectTimeout = TimeSpan.Zero;

        var ex = Assert.Throws<InvalidOperationException>(() => WorkflowExecutorOptions.Validated(Options.Create(options)));

        Assert.Contains("Http.ConnectTimeout", ex.Message, StringComparison.Ordinal);
    }

    private static void OutOfRange(WorkflowExecutorOptions options, string option)
    {
        switch (option)
        {
            case "Http.DefaultTimeout": options.Http.DefaultTimeout = TimeSpan.FromHours(2); break;
            case "Http.MaxResponseBytes": options.Http.MaxResponseBytes = 0; break;
            case "Http.MaxErrorBodyLength": options.Http.MaxErrorBodyLength = -1; break;
            case "Http.MaxRedirects": options.Http.MaxRedirects = 21; break;
            case "Http.MaxConcurrencyPerHost": options.Http.MaxConcurrencyPerHost = 0; break;
            case "Http.PooledConnectionLifetime": options.Http.PooledConnectionLifetime = TimeSpan.FromMilliseconds(10); break;
            case "Http.ConnectTimeout": options.Http.ConnectTimeout = TimeSpan.FromMinutes(6); break;
            case "Http.CircuitBreaker.FailureRatio": options.Http.CircuitBreaker.FailureRatio = 0; break;
            case "Http.CircuitBreaker.MinimumThroughput": options.Http.CircuitBreaker.MinimumThroughput = 1; break;
            case "Http.CircuitBreaker.SamplingDuration": options.Http.CircuitBreaker.SamplingDuration = TimeSpan.FromMilliseconds(100); break;
            case "Http.CircuitBreaker.BreakDuration": options.Http.CircuitBreaker.BreakDuration = TimeSpan.FromDays(2); break;
            case "Activities.DefaultTimeout": options.Activities.DefaultTimeout = TimeSpan.Zero; break;
            case "Activities.MaxOutputBytes": options.Activities.MaxOutputBytes = 64 * 1024 * 1024 + 1; break;
            default: throw new ArgumentOutOfRangeException(nameof(option), option, null);
        }
    }
}
