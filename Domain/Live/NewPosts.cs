using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Crumbs.Domain.Live;

/// <summary>A post that has just landed in these readers' home timelines.</summary>
public sealed record NewPost(long PostId, long AuthorId, long[] Readers);

/// <summary>
/// THE LIVE CHANNEL'S FEED: the worker's fan-out says on one Redis pub/sub channel which readers' timelines a post has
/// just reached (one message per thousand readers), and every web clone tells its own open pages of those readers
/// (Web/Live). The worker needs no ASP.NET Core for it; a lost message costs only the "new posts" hint, never a post:
/// the page asks for what is newer than what it shows.
/// </summary>
public sealed partial class NewPosts(IConnectionMultiplexer redis, OnlineReaders online, ILogger<NewPosts> logger)
{
    public const string Channel = "crumbs:live:new-posts";
    private const int ReadersPerMessage = 1000;

    /// <summary>
    /// Names only the readers with a live page open (<see cref="OnlineReaders"/>): nobody else has a page to tell.
    /// Best effort: the timelines are written; a page that misses the hint catches up when it asks. Called after the
    /// timelines are written, and a page asks after its clone has marked it online, so a reader who connects during
    /// the fan-out is either named here or reads the post when it asks. One look-up of who is online serves all the
    /// posts of a fan-out group.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<NewPost> posts)
    {
        try
        {
            var subscriber = redis.GetSubscriber();
            var named = (await online.OfAsync([.. posts.SelectMany(p => p.Readers).Distinct()])).ToHashSet();
            await Task.WhenAll(posts.SelectMany(post => post.Readers.Where(named.Contains).Chunk(ReadersPerMessage).Select(chunk =>
                subscriber.PublishAsync(RedisChannel.Literal(Channel), Format(post with { Readers = chunk })))));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, e, posts.Count);
        }
    }

    /// <summary>Registered with the connection, so it is subscribed again after every reconnect.</summary>
    public Task SubscribeAsync(Action<NewPost> deliver) =>
        redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, message) =>
        {
            if (Parse(message) is { } post)
            {
                deliver(post);
            }
        });

    /// <summary>"postId:authorId:reader,reader,...": small, and read without a serializer.</summary>
    public static string Format(NewPost post) => string.Create(CultureInfo.InvariantCulture,
        $"{post.PostId}:{post.AuthorId}:{string.Join(',', post.Readers)}");

    public static NewPost? Parse(string? message)
    {
        var parts = (message ?? "").Split(':');
        if (parts.Length != 3 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var postId)
            || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var authorId))
        {
            return null;
        }

        var readers = new List<long>();
        foreach (var reader in parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(reader, CultureInfo.InvariantCulture, out var id))
            {
                readers.Add(id);
            }
        }

        return new NewPost(postId, authorId, [.. readers]);
    }

    [LoggerMessage(LogLevel.Warning, "Could not tell the web clones about {Count} new post(s); open pages catch up when they ask")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count);
}
