namespace Crumbs.Domain.Posts;

// What happened, told to the workers through the outbox. Handlers act on the state they find, not on the order
// the messages arrive in, so a late or repeated message does no harm.

/// <summary>A post was written: fan it out to the followers' home timelines.</summary>
public sealed record PostCreated(long PostId, long AuthorId, DateTime CreatedAt);

/// <summary>A post was deleted: take it out of every timeline.</summary>
public sealed record PostDeleted(long PostId, long AuthorId);

/// <summary>Someone followed someone: backfill the followee's recent posts into the follower's timeline.</summary>
public sealed record Followed(long FollowerId, long FolloweeId);

/// <summary>Someone unfollowed someone: take the followee's posts out of the follower's timeline.</summary>
public sealed record Unfollowed(long FollowerId, long FolloweeId);

/// <summary>A user's name or picture changed: update the copies on their posts, in batches.</summary>
public sealed record ProfileChanged(long UserId);
