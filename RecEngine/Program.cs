using RecEngine;
using RecEngine.Api;
using RecEngine.Backup;
using RecEngine.Hosting;
using RecEngine.Lifecycle;
using RecEngine.Monitoring;
using RecEngine.Serving;
using RecEngine.Simulation;
using RecEngine.Transfer;

var command = CommandLine.Parse(args);
var builder = WebApplication.CreateBuilder(command.HostArgs);
builder.AddServingModules();
builder.AddLifecycle();
builder.AddSimulation();
builder.AddBackup();
builder.AddTransfer();

var app = builder.Build();
app.MapServiceDefaults();
app.MapCatalogApi();
app.MapThumbnailApi();
app.MapEventsApi();
app.MapMonitoringApi();
app.MapRecommendationsApi();
app.MapModelsApi();
app.MapBackupApi();
app.MapDashboard();
return await app.RunVerbAsync(command);
