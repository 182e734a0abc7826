namespace Serverless.Engine.Replay;

/// <summary>Reads the <c>type: message</c> failure text Durable Functions reports for a failed instance.</summary>
internal static class FailureText
{
    /// <summary>
    /// Parses <paramref name="text"/> as <c>type: message</c>; text without a type prefix becomes an
    /// <see cref="ErrorTypes.ActivityError"/> carrying the whole text.
    /// </summary>
    public static WorkflowError Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new WorkflowError(ErrorTypes.ActivityError, "The failure carried no message.");
        }

        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0 && IsType(text.AsSpan(0, colon)))
        {
            return new WorkflowError(text[..colon], text[(colon + 2)..]);
        }

        return new WorkflowError(ErrorTypes.ActivityError, text);
    }

    // Error types are identifiers (ErrorTypes, or a user's type from a fail node): no spaces, at most 128 characters.
    private static bool IsType(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length > 128)
        {
            return false;
        }

        foreach (var c in candidate)
        {
            if (char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }
}
