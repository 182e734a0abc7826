using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jint;
using Jint.Native;
using Jint.Runtime;
using JintEngine = Jint.Engine;

namespace Serverless.Engine.Expressions;

/// <summary>Shared JSON constants.</summary>
internal static class JsonValues
{
    public static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);
}
