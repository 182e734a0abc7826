namespace Serverless.Engine.Expressions;

/// <summary>Finds the <c>${{ }}</c> expressions in a template string.</summary>
internal static class ExpressionScanner
{
    public const string Open = "${{";

    /// <summary>
    /// Finds the <c>}}</c> that closes the expression starting at <paramref name="start"/> (just after <c>${{</c>):
    /// the first <c>}}</c> outside string literals and outside braces opened within the expression, so object
    /// literals like <c>${{ {a: {b: 1}} }}</c> work.
    /// </summary>
    /// <returns>The index of the closing <c>}}</c>, or -1 when it is missing.</returns>
    public static int FindClose(string text, int start)
    {
        // '{' = brace opened in code, '$' = "${" inside a template literal, '`' = template literal.
        var stack = new Stack<char>();
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (stack.Count > 0 && stack.Peek() == '`')
            {
                if (c == '\\')
                {
                    i += 2;
                    continue;
                }

                if (c == '`')
                {
                    stack.Pop();
                }
                else if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
                {
                    stack.Push('$');
                    i++;
                }

                i++;
                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    i = SkipQuoted(text, i);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                case '`':
                    stack.Push('`');
                    break;
                case '{':
                    stack.Push('{');
                    break;
                case '}' when stack.Count == 0:
                    if (i + 1 < text.Length && text[i + 1] == '}')
                    {
                        return i;
                    }

                    break;
                case '}':
                    stack.Pop();
                    break;
                default:
                    break;
            }

            i++;
        }

        return -1;
    }

    private static int SkipQuoted(string text, int quoteIndex)
    {
        var quote = text[quoteIndex];
        for (var i = quoteIndex + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                return i;
            }
        }

        return -1;
    }
}
