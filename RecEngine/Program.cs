using RecEngine.Api;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Monitoring;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Simulation;
using RecEngine.Training;

var command = CommandLine.Parse(args);
var builder = WebApplication.CreateBuilder(command.HostArgs);
builder.AddServiceDefaults();
builder.AddCatalog();
builder.AddEvents();
builder.AddFeatures();
builder.AddRetrieval();
builder.AddRanking();
builder.AddTraining();
builder.AddMonitoring();
builder.AddSimulation();

var app = builder.Build();
app.MapServiceDefaults();
app.MapCatalogApi();
app.MapEventsApi();
app.MapMonitoringApi();
return await app.RunVerbAsync(command);
