using System.Text.Json;
using Serverless.Cli.Commands;

namespace Serverless.Cli.Configuration;

/// <summary>
/// Resolves the endpoint and key (docs/cli.md, "Configuration"). Endpoint: <c>--endpoint</c>, else <c>SWF_ENDPOINT</c>,
/// else the profile's, else <see cref="DefaultEndpoint"/>. Key: <c>SWF_KEY</c>, else the variable the profile's
/// <c>keyEnv</c> names, else the profile's literal <c>key</c>. The profile is <c>--profile</c>, else <c>SWF_PROFILE</c>,
/// else the file's <c>default</c>; the file is <c>--config</c>, else <c>SWF_CONFIG</c>, else
/// <c>~/.config/serverless-workflows/cli.json</c>.
/// </summary>
internal static class ConnectionResolver
{
    /// <summary>The standalone host's default address.</summary>
    public const string DefaultEndpoint = "http://127.0.0.1:7071";

    /// <summary>The configuration file looked for when neither <c>--config</c> nor <c>SWF_CONFIG</c> names one.</summary>
    public static string DefaultConfigPath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "serverless-workflows", "cli.json");

    /// <summary>The connection for <paramref name="settings"/>, reading variables through <paramref name="environment"/>.</summary>
    public static CliConnection Resolve(GlobalSettings settings, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        var explicitFile = settings.ConfigFile ?? NonEmpty(environment("SWF_CONFIG"));
        var file = explicitFile ?? DefaultConfigPath;
        var profileName = settings.Profile ?? NonEmpty(environment("SWF_PROFILE"));
        JsonElement? profile = null;
        if (File.Exists(file))
        {
            profile = ReadProfile(file, profileName);
        }
        else if (explicitFile is not null)
        {
            throw new CliException($"The configuration file '{explicitFile}' does not exist.");
        }
        else if (profileName is not null)
        {
            throw new CliException($"Profile '{profileName}' is not defined: there is no configuration file at '{file}'.");
        }

        var endpointText = settings.Endpoint ?? NonEmpty(environment("SWF_ENDPOINT")) ?? Text(profile, "endpoint") ?? DefaultEndpoint;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"The endpoint '{endpointText}' is not an http or https URL.");
        }

        var key = NonEmpty(environment("SWF_KEY"))
            ?? (Text(profile, "keyEnv") is { } keyEnv ? NonEmpty(environment(keyEnv)) : null)
            ?? Text(profile, "key");
        return new CliConnection(endpoint, key);
    }

    private static JsonElement? ReadProfile(string file, string? profileName)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CliException($"The configuration file '{file}' is not JSON: {e.Message}", e);
        }

        var name = profileName ?? Text(root, "default");
        if (name is null)
        {
            return null;
        }

        return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("profiles", out var profiles)
            && profiles.ValueKind == JsonValueKind.Object && profiles.TryGetProperty(name, out var profile) && profile.ValueKind == JsonValueKind.Object
            ? profile
            : throw new CliException($"Profile '{name}' is not defined in '{file}'.");
    }

    private static string? Text(JsonElement? element, string property)
        => element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? NonEmpty(value.GetString())
            : null;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
