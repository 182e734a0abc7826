namespace Serverless.Cli.Commands;

/// <summary>The <c>-o</c> modes.</summary>
internal enum OutputFormat
{
    /// <summary>Tables and trees for people (plain when not a terminal or with <c>--no-color</c>).</summary>
    Text,

    /// <summary>One JSON document: the API's objects.</summary>
    Json,

    /// <summary>One JSON object per line, for lists.</summary>
    Jsonl,
}
