using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Expressions;
using Serverless.Engine.Tests.Infrastructure;
using Serverless.Samples.Activities;
using static Serverless.Engine.Tests.Infrastructure.ExecutionTestKit;

namespace Serverless.Engine.Tests.Execution;

/// <summary>The samples in <c>samples/</c> run through the real executors.</summary>
public sealed class SampleTests(FaultServer server) : IClassFixture<FaultServer>, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    private static JsonElement Sample(string file)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
        {
            directory = directory.Parent;
        }

        return Json(File.ReadAllText(Path.Combine(directory!.FullName, "samples", file)));
    }

    private static ServiceProvider Services(string? apiKey = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Secrets:HOST_API_KEY"] = apiKey })
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddWorkflowExecutors(o => o.Http.Network.AllowLoopback = true)
            .AddSampleActivities();
        return services.BuildServiceProvider();
    }

    private static WorkflowDefinition Parse(string file)
    {
        var result = DefinitionParser.Parse(Sample(file).GetRawText());
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }

    [Theory]
    [InlineData("http-echo.json")]
    [InlineData("invoice.json")]
    public void Sample_IsAValidDefinition(string file)
    {
        Assert.NotEmpty(Parse(file).Nodes);
    }

    [Fact]
    public async Task HttpEchoSample_RequestAgainstALocalService_SucceedsWithSecretAndIdempotencyKey()
    {
        var node = Assert.IsType<HttpNode>(Assert.Single(Parse("http-echo.json").Nodes));
        var scope = new ExpressionScope
        {
            Input = Json(new { baseUrl = server.BaseUri.ToString().TrimEnd('/') }),
            Instance = new InstanceInfo(InstanceId, "http-echo", 1, DateTimeOffset.UnixEpoch),
            Now = DateTimeOffset.UnixEpoch,
        };
        var request = node.Request.Evaluate(scope);
        Assert.Contains("${{ secrets.HOST_API_KEY }}", request.GetRawText(), StringComparison.Ordinal);
        await using var services = Services(apiKey: "local-key-123");
        server.Reset();

        var outcome = await services.GetRequiredService<INodeExecutor>().ExecuteAsync(HttpWork(request, node), Ct);

        var output = Succeeded(outcome).Output;
        Assert.Equal("http-echo", output.GetProperty("body").GetProperty("name").GetString());
        var seen = server.Requests.Single();
        Assert.Equal("/api/workflows/http-echo", seen.Path);
        Assert.Equal("local-key-123", seen.Headers["x-functions-key"]);
        Assert.Equal("orders-1:fetch:0:1", seen.Headers["idempotency-key"]);
        Assert.Equal("?requestedBy=orders-1", seen.Query);
        Assert.DoesNotContain("local-key-123", output.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComputeInvoice_ThroughTheExecutor_ComputesTotalsAndAStableNumber()
    {
        await using var services = Services();
        var executor = services.GetRequiredService<INodeExecutor>();
        var input = new
        {
            customer = "ACME",
            lines = new[] { new { sku = "A-1", quantity = 2, unitPrice = 9.99m }, new { sku = "B-2", quantity = 1, unitPrice = 0.05m } },
            taxRate = 0.2m,
        };

        var first = Succeeded(await executor.ExecuteAsync(ActivityWork(ComputeInvoice.Name, input, attempt: 1), Ct)).Output;
        var retry = Succeeded(await executor.ExecuteAsync(ActivityWork(ComputeInvoice.Name, input, attempt: 2), Ct)).Output;

        Assert.Equal(20.03m, first.GetProperty("subtotal").GetDecimal());
        Assert.Equal(4.01m, first.GetProperty("tax").GetDecimal());
        Assert.Equal(24.04m, first.GetProperty("total").GetDecimal());
        Assert.Equal("EUR", first.GetProperty("currency").GetString());
        Assert.Equal(first.GetProperty("invoiceNumber").GetString(), retry.GetProperty("invoiceNumber").GetString());
    }

    [Fact]
    public async Task ComputeInvoice_BadLine_FailsWithItsOwnErrorType()
    {
        await using var services = Services();
        var input = new { customer = "ACME", lines = new[] { new { sku = "A-1", quantity = 0, unitPrice = 1m } } };

        var outcome = await services.GetRequiredService<INodeExecutor>().ExecuteAsync(ActivityWork(ComputeInvoice.Name, input), Ct);

        Assert.Contains("'A-1'", Failed(outcome, "InvalidInvoice").Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendApprovalMail_ThroughTheExecutor_ReturnsTheSameMessageIdOnEveryAttempt()
    {
        await using var services = Services();
        var executor = services.GetRequiredService<INodeExecutor>();
        var input = new { to = "bob@example.com", employee = "ann", amount = 120 };

        var first = Succeeded(await executor.ExecuteAsync(ActivityWork(SendApprovalMail.Name, input, attempt: 1), Ct)).Output;
        var retry = Succeeded(await executor.ExecuteAsync(ActivityWork(SendApprovalMail.Name, input, attempt: 2), Ct)).Output;

        Assert.Equal("bob@example.com", first.GetProperty("to").GetString());
        Assert.StartsWith("MAIL-", first.GetProperty("messageId").GetString(), StringComparison.Ordinal);
        Assert.Equal(first.GetProperty("messageId").GetString(), retry.GetProperty("messageId").GetString());
    }

    [Fact]
    public void ExpenseApprovalSample_CallsTheRegisteredActivity()
    {
        var notify = Assert.IsType<ActivityNode>(Parse("expense-approval.json").Nodes.Single(n => n.Id == "notify"));

        Assert.Equal(SendApprovalMail.Name, notify.Activity);
    }

    [Fact]
    public void InvoiceSample_CallsTheRegisteredActivity()
    {
        var compute = Assert.IsType<ActivityNode>(Parse("invoice.json").Nodes.Single(n => n.Id == "compute"));

        Assert.Equal(ComputeInvoice.Name, compute.Activity);
    }
}
