using Serverless.Samples.Activities;
using Serverless.Standalone;

var builder = StandaloneHost.CreateBuilder(args);

// Activities this host offers besides the built-in 'echo'; a host of your own registers yours the same way.
builder.Services.AddSampleActivities();
var app = StandaloneHost.Build(builder);
await app.RunAsync();
