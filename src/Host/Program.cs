using Serverless.Host;

var builder = ServerlessHost.CreateBuilder(args);
var app = ServerlessHost.Build(builder);
await app.RunAsync();
