using Crumbs.Domain.Hosting;
using Crumbs.Worker.Baking;
using Crumbs.Worker.Exports;
using Crumbs.Worker.Housekeeping;
using Crumbs.Worker.Jobs;
using Crumbs.Worker.Media;
using Crumbs.Worker.Messaging;
using Crumbs.Worker.Probes;
using Crumbs.Worker.Timelines;

// The worker takes slow work off the queues, relays the outbox and bakes ahead of time. HTTP is for its health
// probes and operators.
Diagnostics.UsePrivateFolders(args, Replica.Name);     // first: before anything reads HOME or TMPDIR
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiagnostics();
builder.AddBackends(statelessSessions: true);   // the outbox signal's session state lives on SessionConnections
builder.AddBroker();
builder.Services.AddSingleton<SessionConnections>();
builder.Services.AddHostedService<OutboxRelay>();
builder.Services.AddHostedService<QueueDepth>();
builder.Services.AddConsumer<ProbeHandler>();
builder.Services.AddConsumer<FanOutHandler>();
builder.Services.AddConsumer<PostRemovalHandler>();
builder.Services.AddConsumer<BackfillHandler>();
builder.Services.AddConsumer<UnfollowHandler>();
builder.Services.AddConsumer<AuthorCopiesHandler>();
builder.Services.AddConsumer<AvatarHandler>();
builder.Services.AddConsumer<ExportHandler>();
builder.Services.AddBaking(builder.Configuration);
builder.AddHousekeeping();
builder.Services.AddSingleton<JobRun>();
builder.Services.AddSingleton<TimelineTelemetry>();
builder.Services.AddSingleton<FanOutGroups>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapDeadLettersApi();
app.MapBakingApi();
app.MapHousekeepingApi();
app.Run();
