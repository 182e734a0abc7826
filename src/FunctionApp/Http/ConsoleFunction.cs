using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Serverless.Console;

namespace Serverless.FunctionApp.Http;

/// <summary>
/// The web console under <c>/api/console/</c>: a binding of the handler the standalone host maps on <c>/console/</c>
/// (src/Console). Anonymous, because the files hold no data: the console asks the user for the function key and sends
/// it as <c>x-functions-key</c> on its <c>/api</c> calls.
/// </summary>
internal sealed class ConsoleFunction
{
    /// <summary>
    /// <c>GET|HEAD /api/console/{path}</c>: the console's file <c>path</c>, <c>index.html</c> for none;
    /// <c>/api/console</c> redirects to <c>/api/console/</c>.
    /// </summary>
    [Function("Console")]
    public IResult Serve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "console/{*path}")] HttpRequest request,
        string? path)
        => ConsoleFiles.Serve(request, path);
}
