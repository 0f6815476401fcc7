using Crumbs.Domain.Hosting;
using Crumbs.Worker.Messaging;
using Crumbs.Worker.Probes;
using Crumbs.Worker.Timelines;

// The worker takes slow work off the queues and relays the outbox. HTTP is for its health probes and operators.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddBackends();
builder.Services.AddHostedService<OutboxRelay>();
builder.Services.AddConsumer<ProbeHandler>();
builder.Services.AddConsumer<FanOutHandler>();
builder.Services.AddConsumer<PostRemovalHandler>();
builder.Services.AddConsumer<BackfillHandler>();
builder.Services.AddConsumer<UnfollowHandler>();
builder.Services.AddConsumer<AuthorCopiesHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapDeadLettersApi();
app.Run();
