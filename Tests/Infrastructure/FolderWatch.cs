using System.Collections.Concurrent;

namespace Crumbs.Tests.Infrastructure;

/// <summary>
/// Everything created, changed, renamed or deleted under a folder (recursively) while it is watched, and any failure
/// of the watch itself: a watcher that overflowed or failed saw nothing it can vouch for, so that is recorded too.
/// </summary>
public sealed class FolderWatch : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly ConcurrentQueue<string> _seen = new();

    public FolderWatch(string folder)
    {
        Folder = folder;
        _watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true, InternalBufferSize = 64 * 1024 };
        _watcher.Created += (_, e) => _seen.Enqueue($"created {e.FullPath}");
        _watcher.Changed += (_, e) => _seen.Enqueue($"changed {e.FullPath}");
        _watcher.Renamed += (_, e) => _seen.Enqueue($"renamed {e.OldFullPath} to {e.FullPath}");
        _watcher.Deleted += (_, e) => _seen.Enqueue($"deleted {e.FullPath}");
        _watcher.Error += (_, e) => _seen.Enqueue($"watcher error on {folder}: {e.GetException().Message}");
        _watcher.EnableRaisingEvents = true;
    }

    public string Folder { get; }

    /// <summary>What was seen so far, in order.</summary>
    public IReadOnlyList<string> Seen => [.. _seen];

    public void Dispose() => _watcher.Dispose();
}
