namespace Serverless.Engine.Expressions;

/// <summary>
/// A <c>${{ secrets.NAME }}</c> the definition wrote, in an evaluated template: the string at <paramref name="Pointer"/>
/// holds <see cref="Token"/> of <paramref name="Name"/> at character <paramref name="Offset"/>. The executor replaces
/// exactly these places with the secret's value and scans no text for tokens, so data cannot select a secret.
/// </summary>
/// <param name="Pointer">The string's JSON pointer, relative to the evaluated value (<c>/headers/Authorization</c>).</param>
/// <param name="Offset">Where in that string the token starts (UTF-16 code units).</param>
/// <param name="Name">The secret's name.</param>
internal sealed record SecretReference(string Pointer, int Offset, string Name)
{
    /// <summary>The text a reference to <paramref name="name"/> stands as in evaluated values, statuses and logs.</summary>
    public static string Token(string name) => "${{ secrets." + name + " }}";
}
