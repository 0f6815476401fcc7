namespace Crumbs.Web.Demo;

/// <summary>
/// How much demo data to make. The defaults are the demo's; the benchmarks ask for more. <see cref="Active"/> is the
/// share of users seen lately (within Crumbs:Timeline:ActiveFor): only they have home timelines kept by the fan-out.
/// </summary>
public sealed record DemoSize(int Users = 2_000, int Follows = 60_000, int Posts = 40_000, int Likes = 40_000, int Seed = 42, double Active = 1)
{
    public string? Problem =>
        Users is < 2 or > 1_000_000 ? "users is 2 to 1,000,000" :
        Follows < 0 || Follows > (long)Users * (Users - 1) / 2 ? "follows is 0 to half of users × (users − 1)" :
        Posts is < 0 or > 10_000_000 ? "posts is 0 to 10,000,000" :
        Likes is < 0 or > 10_000_000 ? "likes is 0 to 10,000,000" :
        Active is not (>= 0 and <= 1) ? "active is 0 to 1" : null;
}

/// <summary>
/// What a seeding run made, and how long it took (in all, and per step). Users active since
/// <see cref="ActiveSince"/> have home timelines; the others get theirs rebuilt when they come back.
/// </summary>
public sealed record DemoSeeded(string HandlePrefix, int Users, int Follows, int Posts, int Likes, long TimelineEntries, double Seconds,
    int ActiveUsers, DateTime ActiveSince, IReadOnlyDictionary<string, double> Steps);
