namespace Crumbs.Web.Demo;

/// <summary>How much demo data to make. The defaults are the demo's; the benchmarks ask for more.</summary>
public sealed record DemoSize(int Users = 2_000, int Follows = 60_000, int Posts = 40_000, int Likes = 40_000, int Seed = 42)
{
    public string? Problem =>
        Users is < 2 or > 1_000_000 ? "users is 2 to 1,000,000" :
        Follows < 0 || Follows > (long)Users * (Users - 1) / 2 ? "follows is 0 to half of users × (users − 1)" :
        Posts is < 0 or > 10_000_000 ? "posts is 0 to 10,000,000" :
        Likes is < 0 or > 10_000_000 ? "likes is 0 to 10,000,000" : null;
}

/// <summary>What a seeding run made, and how long it took.</summary>
public sealed record DemoSeeded(string HandlePrefix, int Users, int Follows, int Posts, int Likes, long TimelineEntries, double Seconds);
