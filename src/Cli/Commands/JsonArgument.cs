using System.Text.Json;

namespace Serverless.Cli.Commands;

/// <summary>A JSON option value: <c>@file</c> reads a file (<c>@-</c> standard input), anything else is JSON itself.</summary>
internal static class JsonArgument
{
    /// <summary>The JSON text of <paramref name="value"/> (<c>null</c> when absent), checked to parse.</summary>
    public static string Read(string? value, string option)
    {
        if (value is null)
        {
            return "null";
        }

        string text;
        if (value.StartsWith('@'))
        {
            var path = value[1..];
            try
            {
                text = path == "-" ? System.Console.In.ReadToEnd() : File.ReadAllText(path);
            }
            catch (IOException e)
            {
                throw new CliException($"{option}: cannot read '{path}': {e.Message}", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new CliException($"{option}: cannot read '{path}': {e.Message}", e);
            }
        }
        else
        {
            text = value;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new CliException($"{option} is not JSON ({e.Message}); pass JSON, or @file for a file's content.", e);
        }

        return text;
    }
}
