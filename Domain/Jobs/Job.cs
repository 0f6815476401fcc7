namespace Crumbs.Domain.Jobs;

/// <summary>
/// Work a person asked for and comes back to later. It goes queued → running → done or failed, and is kept until
/// <see cref="ExpiresAt"/> (an export's file is served until then).
/// </summary>
public sealed record Job(
    Guid Id,
    long OwnerId,
    string Kind,
    string State,
    int Progress,
    string? Reason,
    string? ResultRef,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime ExpiresAt)
{
    public bool IsActive => State is JobStates.Queued or JobStates.Running;
}

public static class JobKinds
{
    public const string Avatar = "avatar";
    public const string Export = "export";
}

public static class JobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>A picture was uploaded: make its thumbnails and switch the profile to them.</summary>
public sealed record AvatarUploaded(Guid JobId, long UserId);

/// <summary>A person asked for a copy of their data.</summary>
public sealed record ExportRequested(Guid JobId, long UserId);
