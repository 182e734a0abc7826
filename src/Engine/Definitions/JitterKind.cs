namespace Serverless.Engine.Definitions;

/// <summary>How retry delays are randomized.</summary>
internal enum JitterKind
{
    /// <summary>Uniform in [0, delay].</summary>
    Full,
    /// <summary>Exactly the delay.</summary>
    None,
}
