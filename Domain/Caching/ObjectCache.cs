using Crumbs.Domain.Accounts;
using Crumbs.Domain.Posts;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Locking.Distributed.Redis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Crumbs.Domain.Caching;

/// <summary>
/// WHERE THE CACHE IS: FusionCache, with a small in-process first level on every clone, Redis as the shared second
/// level, and the Redis backplane that tells every clone to drop its first-level copy when an object changes.
/// Whole objects are cached (users, posts; the id lists of timeline pages live beside it, see CachedTimeline), never query results. A clone's own copy
/// lives at most <see cref="CacheOptions.LocalFor"/> (one second), so a lost backplane message costs at most that.
/// </summary>
public static class ObjectCache
{
    public static TBuilder AddObjectCache<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        Task<IConnectionMultiplexer> Redis(IServiceProvider services) => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());
        builder.Services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var local = builder.Configuration.GetSection(CacheOptions.Section).Get<CacheOptions>() ?? new CacheOptions();
        builder.Services.AddFusionCache()
            .WithOptions(options =>
            {
                // While Redis is away, skip it quickly instead of waiting on every call; reads go to Postgres. A removal
                // skipped meanwhile (a write just as Redis came back, on a clone whose breaker was still open) is replayed
                // by FusionCache's auto-recovery: short breakers and a short replay delay keep an old copy in Redis, where
                // every other clone would read it, to about a second (with 2 s breakers RedisOutageTests twice saw a clone show
                // an old name for over 5 s after Redis came back).
                options.DistributedCacheCircuitBreakerDuration = TimeSpan.FromMilliseconds(500);
                options.BackplaneCircuitBreakerDuration = TimeSpan.FromMilliseconds(500);
                options.AutoRecoveryDelay = TimeSpan.FromMilliseconds(500);
            })
            .WithDefaultEntryOptions(new FusionCacheEntryOptions
            {
                Duration = TimeSpan.FromMinutes(10),
                MemoryCacheDuration = local.LocalFor,
                JitterMaxDuration = TimeSpan.FromSeconds(30),
                Size = 1024,                                   // bytes, estimated: a user or a post is about 1 KB in memory
                IsFailSafeEnabled = false,                     // never serve a value older than a write we know of
                AllowBackgroundDistributedCacheOperations = false,
                DistributedCacheHardTimeout = TimeSpan.FromMilliseconds(500),
                LockTimeout = TimeSpan.FromSeconds(5),
            })
            .WithMemoryCache(new MemoryCache(new MemoryCacheOptions { SizeLimit = local.ObjectBytes }))
            .WithSerializer(new FusionCacheSystemTextJsonSerializer(CacheJson.SerializerOptions))
            .WithDistributedCache(services => new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Redis(services) }))
            .WithBackplane(services => new RedisBackplane(new RedisBackplaneOptions { ConnectionMultiplexerFactory = () => Redis(services) }))
            // One loader per key across all clones: fifty cold requests on three clones read Postgres once.
            .WithDistributedLocker(services => new RedisDistributedLocker(
                Options.Create(new RedisDistributedLockerOptions { ConnectionMultiplexerFactory = () => Redis(services) }),
                services.GetService<ILogger<RedisDistributedLocker>>()));
        builder.Services.AddSingleton<CacheTelemetry>();
        builder.Services.AddSingleton<LocalInvalidation>();
        builder.Services.AddSingleton<CachedUsers>();
        builder.Services.AddSingleton<CachedPosts>();
        builder.Services.AddSingleton<PostTombstones>();
        builder.Services.AddSingleton<TimelineVersions>();
        builder.Services.AddSingleton<CachedLikes>();
        builder.Services.AddSingleton<CachedCelebrityPosts>();
        builder.Services.AddSingleton<CachedTimeline>();
        builder.Services.AddSingleton<CacheInvalidation>();
        return builder;
    }
}

/// <summary>Compact, reflection-free serialization of the cached objects (a post by <see cref="PostJson"/>).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, Converters = [typeof(PostJson)])]
[System.Text.Json.Serialization.JsonSerializable(typeof(User))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Post))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long?))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long[]))]
public sealed partial class CacheJson : System.Text.Json.Serialization.JsonSerializerContext
{
    /// <summary>Our objects through the generated code; FusionCache's own envelope around them through reflection.</summary>
    public static System.Text.Json.JsonSerializerOptions SerializerOptions { get; } = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };
}
