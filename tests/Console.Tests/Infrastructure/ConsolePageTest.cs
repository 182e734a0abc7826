using Microsoft.Playwright;

namespace Serverless.Console.Tests.Infrastructure;

/// <summary>
/// A console test with a page of its own (<see cref="Page"/>: a new browser context per test), closed after the test.
/// Every test also has <see cref="Timeout"/>, a token that ends 30 s after the test started.
/// </summary>
[Collection(ConsoleCollection.Name)]
public abstract class ConsolePageTest(ConsoleFixture fixture) : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    protected ConsoleFixture Fixture => fixture;

    protected IPage Page { get; private set; } = null!;

    protected CancellationToken Timeout => _timeout.Token;

    public async Task InitializeAsync() => Page = await fixture.NewPageAsync();

    public async Task DisposeAsync()
    {
        await Page.Context.CloseAsync();
        _timeout.Dispose();
    }
}
