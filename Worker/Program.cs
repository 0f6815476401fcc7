using Crumbs.Domain.Hosting;
using Crumbs.Worker.Messaging;
using Crumbs.Worker.Probes;

// The worker takes slow work off the queue. It serves no pages: HTTP is only for its health probes.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddBackends();
builder.Services.AddConsumer<ProbeHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
