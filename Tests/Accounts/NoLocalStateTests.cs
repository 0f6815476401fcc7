using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>
/// Lesson 1: while people use Crumbs, no clone writes a file: not in its content root, working folder, HOME or TMPDIR.
/// Each clone has a HOME and TMPDIR of its own (Crumbs:Diagnostics:PrivateFolders), watched from before the app
/// started, so a key ring or a cache on a disk the clones happened to share would show.
/// </summary>
public sealed class NoLocalStateTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_full_scenario_creates_or_changes_no_file_where_the_apps_run()
    {
        var folders = new[]
        {
            Path.GetDirectoryName(new Projects.Web().ProjectPath)!,       // content root and working folder of every web replica
            Path.GetDirectoryName(new Projects.Worker().ProjectPath)!,
        };
        var before = Snapshot(folders);
        var watches = folders.Select(folder => new FolderWatch(folder)).ToList();   // also files made and deleted meanwhile

        using var alice = await UserSession.SignUpAsync(crumbs, "Alice");
        using var profile = await alice.SendAsync(HttpMethod.Put, "/api/me/profile", new { displayName = "Alice A", bio = "no files" });
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        await AvatarTests.UploadAsync(alice, TestImages.Png(500, 500));   // the web stores it, a worker makes its pictures

        // The settings page's multipart form: larger than the 64 KB that ASP.NET Core would buffer to a temporary file.
        var token = await PageForms.AntiforgeryFieldAsync(alice, "/settings");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { BadInputTests.Image(TestImages.Png(400, 400, seed: 7), "image/png"), "avatar", "me.png" },
        };
        using var pageUpload = await alice.SendAsync(HttpMethod.Post, "/settings?handler=Avatar", content: form);
        Assert.Equal(HttpStatusCode.Redirect, pageUpload.StatusCode);
        await Eventually.GetAsync(async () => await alice.GetAsync<ProfileDto>("/api/me") is { AvatarProcessing: false } me ? me : null,
            JobWaits.Within, "the page's picture to be processed");

        using var export = await alice.SendAsync(HttpMethod.Post, "/api/me/exports");   // written, zipped or not, in memory
        Assert.Equal("done", (await JobWaits.WaitUntilEndedAsync(alice, (await JobWaits.AssertAcceptedAsync(export)).StatusUrl)).State);

        using var operatorClient = crumbs.CreateOperatorClient();
        using var probe = await operatorClient.PostAsync("/api/probes", null, TestContext.Current.CancellationToken);   // through the queue to a worker
        await Eventually.GetAsync(async () =>
        {
            using var read = await operatorClient.GetAsync(probe.Headers.Location, TestContext.Current.CancellationToken);
            return read.IsSuccessStatusCode ? "handled" : null;
        }, TimeSpan.FromSeconds(30), "the probe to be handled");
        using var signOut = await alice.SendAsync(HttpMethod.Delete, "/api/sessions/current");
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);

        var after = Snapshot(folders);
        watches.ForEach(w => w.Dispose());
        Assert.Empty(watches.SelectMany(w => w.Seen));
        Assert.Equal(before, after);

        // Every clone made its own HOME and TMPDIR at start, and nothing else under them ever since. A replica that
        // another test restarted made its folders again, under the same name: what counts is that no file was written.
        var own = new DirectoryInfo(crumbs.PrivateFolders).GetDirectories().Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
        var made = own.SelectMany(name => new[] { name, Path.Combine(name, "home"), Path.Combine(name, "tmp") })
            .Select(folder => Path.Combine(crumbs.PrivateFolders, folder)).ToHashSet();
        var unexplained = crumbs.PrivateFoldersWatch.Seen.Where(seen => !made.Any(folder => seen == $"created {folder}"))
            .Select(seen => seen.Replace(crumbs.PrivateFolders, "…", StringComparison.Ordinal)).ToList();
        Assert.Empty(unexplained);                                        // seen since before the app started
        var left = Directory.EnumerateFileSystemEntries(crumbs.PrivateFolders, "*", SearchOption.AllDirectories).Where(e => !made.Contains(e))
            .Select(entry => Path.GetRelativePath(crumbs.PrivateFolders, entry)).ToList();
        Assert.Empty(left);                                               // also what a watch on a brand-new folder might miss

        // One home and one temporary folder per replica, each named for its replica.
        var replicas = crumbs.Replicas.Of("web").Concat(crumbs.Replicas.Of("worker")).Select(r => r.Name).ToList();
        Assert.Equal(CrumbsApp.WebReplicas + CrumbsApp.WorkerReplicas, replicas.Count);
        Assert.Subset(own.ToHashSet(), replicas.ToHashSet());
        Assert.All(own, name => Assert.True(name.StartsWith("web-", StringComparison.Ordinal) || name.StartsWith("worker-", StringComparison.Ordinal), name));
        Assert.All(replicas, name => Assert.True(Directory.Exists(Path.Combine(crumbs.PrivateFolders, name, "home"))
            && Directory.Exists(Path.Combine(crumbs.PrivateFolders, name, "tmp")), name));

        // Where the clones' shared key ring is instead: in Redis, one list of key XML documents.
        var keyRing = await RedisCommands.SendAsync(crumbs, "LRANGE", "data-protection-keys", "0", "-1");
        Assert.Contains("<key id=", keyRing, StringComparison.Ordinal);
    }

    private static SortedDictionary<string, string> Snapshot(IEnumerable<string> folders)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                files[file.FullName] = $"{file.Length}@{file.LastWriteTimeUtc.Ticks}";
            }
        }

        return files;
    }
}
