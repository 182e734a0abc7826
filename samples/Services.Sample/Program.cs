using Serverless.Samples.Services;

// http://127.0.0.1:7072 unless --urls or ASPNETCORE_URLS say otherwise; Ctrl-C stops it.
var app = SampleServices.Create(args);
await app.RunAsync();
