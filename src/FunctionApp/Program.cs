using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Serverless.FunctionApp;
using Serverless.Samples.Activities;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddServerlessWorkflows(builder.Configuration);
builder.Services.AddFunctionsTelemetry(builder.Configuration);

// Your C# activities for `activity` nodes: services.AddWorkflowActivity<TActivity>("name"), as the sample does.
builder.Services.AddSampleActivities();

builder.Build().Run();
