using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Serverless.Testing;

/// <summary>
/// Waits for an instance's runtime status over the HTTP API's status long-poll
/// (<c>GET /api/instances/{id}?waitForChange=&amp;timeout=</c>): each request returns when the instance changes, so no
/// wait is a sleep for luck.
/// </summary>
internal static class StatusLongPoll
{
    /// <summary>
    /// Returns once <c>/api/instances/{id}</c> on <paramref name="api"/> answers <paramref name="runtimeStatus"/>, within
    /// 30 s. An instance that does not exist yet (another task starts it) is read again after a short, bounded pause.
    /// </summary>
    public static async Task<JsonElement> UntilAsync(HttpClient api, string id, string runtimeStatus)
    {
        ArgumentNullException.ThrowIfNull(api);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var route = $"api/instances/{Uri.EscapeDataString(id)}";
        string? seen = null;
        while (true)
        {
            var query = seen is null ? "" : $"?waitForChange={Uri.EscapeDataString(seen)}&timeout=5";
            using var response = await api.GetAsync(new Uri(route + query, UriKind.Relative), deadline.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                await Task.Delay(50, deadline.Token);
                continue;
            }

            response.EnsureSuccessStatusCode();
            var status = await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token);
            if (status.GetProperty("runtimeStatus").GetString() == runtimeStatus)
            {
                return status;
            }

            seen = status.GetProperty("lastUpdatedTime").GetString();
        }
    }
}
