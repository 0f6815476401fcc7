using Crumbs.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

// The architecture of Crumbs, in the order a request meets it.
var builder = ProjectTelemetry.CreateBuilder(args);     // --Crumbs:Dashboard=false: no dashboard, telemetry as deployed
var servers = Servers.Choose(builder);

var cache = servers.AddRedis("cache");                 // sessions, Data Protection keys, cached objects
var db = servers.AddPostgres("postgres", "db");        // the denormalized schema, uploads, the outbox
var messaging = servers.AddRabbitMQ("messaging");      // slow work for the workers
var operatorKey = builder.AddOperatorKey();            // X-Crumbs-Admin-Key for /admin/* and probes; a secret parameter

var web = builder.AddProject<Projects.Web>("web")
    .WithReplicas(builder.Configuration.GetValue("Crumbs:WebReplicas", 3))
    .WithExternalHttpEndpoints()
    .WithPortSetting("Crumbs:WebPort")                // default: the web project's launch profile (5180)
    .WithHttpHealthCheck("/health")
    .WithReference(cache).WaitFor(cache)
    .WithReference(db).WaitFor(db)                    // no broker: the web writes the outbox, the workers relay it
    .WithOperatorKey(operatorKey)
    .WithDemoSeed(operatorKey)
    .WithSettings("Crumbs:Sessions")                  // the edge's limits: docs/security.md
    .WithSettings("Crumbs:SignIn")
    .WithSettings("Crumbs:Quotas")
    .WithSettings("Crumbs:TrustedProxies")
    .WithSettings("Crumbs:Media")                     // the pixel budget of a picture
    .WithSettings("Crumbs:ApiReference")              // /openapi and /scalar outside Development
    .WithSettings("Crumbs:Diagnostics")               // test and bench switches, never in Production
    .WithSettings("Crumbs:Bench");

builder.AddProject<Projects.Worker>("worker")         // queue consumers, the outbox relay and the bakers
    .WithReplicas(builder.Configuration.GetValue("Crumbs:WorkerReplicas", 2))
    .WithReference(cache).WaitFor(cache)
    .WithReference(db).WaitFor(db)
    .WithReference(messaging).WaitFor(messaging)
    .WithSettings("Crumbs:Messaging")
    .WithSettings("Crumbs:Baking")
    .WithSettings("Crumbs:Housekeeping")
    .WithSettings("Crumbs:Diagnostics")
    .WithSettings("Crumbs:Bench")
    .WithSettings("Crumbs:Media")
    .WithOperatorKey(operatorKey)
    .WithDeadLetterReplay(operatorKey)
    .WithBakeNow(operatorKey)
    .WithPruneNow(operatorKey);

builder.ConfigureProjectTelemetry();                  // the dashboard's quick export, or a deployment's: ProjectTelemetry.cs
builder.ConfigureProjectEnvironment();                // --Crumbs:ProjectEnvironment=Staging: as deployed (./crumbs bench)
servers.AnnounceWhenReady(web);
builder.Build().Run();
