using System.Net;
using Crumbs.Tests.Infrastructure;

namespace Crumbs.Tests.Accounts;

/// <summary>Lesson 1: while people use Crumbs, no clone writes a file: not in its content root, working folder or TMPDIR.</summary>
public sealed class NoLocalStateTests(CrumbsApp crumbs)
{
    [Fact]
    public async Task A_full_scenario_creates_or_changes_no_file_where_the_apps_run()
    {
        var folders = new[]
        {
            Path.GetDirectoryName(new Projects.Web().ProjectPath)!,       // content root and working folder of every web replica
            Path.GetDirectoryName(new Projects.Worker().ProjectPath)!,
            crumbs.TempFolderOf("web"),
            crumbs.TempFolderOf("worker"),
        };
        var before = Snapshot(folders);
        var touched = new System.Collections.Concurrent.ConcurrentBag<string>();   // also files made and deleted meanwhile
        var watchers = folders.Select(folder => Watch(folder, touched)).ToList();

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
        watchers.ForEach(w => w.Dispose());
        Assert.Empty(touched);
        Assert.Equal(before, after);

        // Where the clones' shared key ring is instead: in Redis, one list of key XML documents.
        var keyRing = await RedisCommands.SendAsync(crumbs, "LRANGE", "data-protection-keys", "0", "-1");
        Assert.Contains("<key id=", keyRing, StringComparison.Ordinal);
    }

    private static FileSystemWatcher Watch(string folder, System.Collections.Concurrent.ConcurrentBag<string> touched)
    {
        var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        watcher.Created += (_, e) => touched.Add($"created {e.FullPath}");
        watcher.Changed += (_, e) => touched.Add($"changed {e.FullPath}");
        watcher.Renamed += (_, e) => touched.Add($"renamed {e.FullPath}");
        // A watcher that overflowed or failed saw nothing it can vouch for: that is a failure too, not a pass.
        watcher.Error += (_, e) => touched.Add($"watcher error on {folder}: {e.GetException().Message}");
        return watcher;
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
