using Crumbs.Domain.Hosting;
using Crumbs.Web.Hosting;
using Crumbs.Web.Probes;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddBackends();
builder.AddWebServices();

var app = builder.Build();
app.UseWebPipeline();
app.MapDefaultEndpoints();
app.MapProbesApi();
app.Run();
