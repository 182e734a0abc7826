using Serverless.Host;
using Serverless.Samples.Activities;

var builder = ServerlessHost.CreateBuilder(args);

// Activities this host offers besides the built-in 'echo'; a host of your own registers yours the same way.
builder.Services.AddSampleActivities();
var app = ServerlessHost.Build(builder);
await app.RunAsync();
