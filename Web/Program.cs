using Crumbs.Domain.Hosting;
using Crumbs.Web.Accounts;
using Crumbs.Web.Baking;
using Crumbs.Web.Exports;
using Crumbs.Web.Bench;
using Crumbs.Web.Hosting;
using Crumbs.Web.Demo;
using Crumbs.Web.Follows;
using Crumbs.Web.Jobs;
using Crumbs.Web.Live;
using Crumbs.Web.Media;
using Crumbs.Web.Posts;
using Crumbs.Web.Timelines;
using Crumbs.Web.Probes;
using Crumbs.Web.Security;
using Crumbs.Web.Sessions;

Diagnostics.UsePrivateFolders(args, Replica.Name);     // first: before anything reads HOME or TMPDIR
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddBackends(statelessSessions: true);   // no LISTEN, SET or session lock left on a pooled connection
builder.AddWebServices();
builder.AddLive();
builder.AddDiagnostics();
builder.AddBench();

var app = builder.Build();
app.UseWebPipeline();
app.MapDefaultEndpoints();
app.MapAntiforgeryApi();
app.MapAccountsApi();
app.MapSessionsApi();
app.MapMediaApi();
app.MapPostsApi();
app.MapTimelineApi();
app.MapFollowsApi();
app.MapDemoApi();
app.MapJobsApi();
app.MapExportsApi();
app.MapBakedApi();
app.MapProbesApi();
app.MapBenchApi();
app.MapLive();
app.MapRazorPages();
app.MapApiReference();           // /openapi/v1.json and /scalar, in Development or when Crumbs:ApiReference:Enabled
app.Run();
