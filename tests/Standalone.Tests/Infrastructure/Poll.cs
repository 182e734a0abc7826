namespace Serverless.Standalone.Tests.Infrastructure;

/// <summary>Bounded polling: repeat a check until it holds or the token's deadline passes.</summary>
public static class Poll
{
    /// <summary>The pause between two checks (a poll interval, not a wait for luck: every wait is bounded by a deadline).</summary>
    public static Task PauseAsync(CancellationToken cancellationToken) => Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, CancellationToken cancellationToken, string what)
    {
        T last = default!;
        try
        {
            while (true)
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }

                await PauseAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out waiting for {what}; last value: {last}");
        }
    }
}
