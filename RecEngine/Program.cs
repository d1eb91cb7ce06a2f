using RecEngine.Api;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Ranking;
using RecEngine.Simulation;

var command = CommandLine.Parse(args);
var builder = WebApplication.CreateBuilder(command.HostArgs);
builder.AddServiceDefaults();
builder.AddCatalog();
builder.AddEvents();
builder.AddFeatures();
builder.AddRanking();
builder.AddSimulation();

var app = builder.Build();
app.MapServiceDefaults();
app.MapCatalogApi();
app.MapEventsApi();
return await app.RunVerbAsync(command);
