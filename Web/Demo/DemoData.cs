namespace Crumbs.Web.Demo;

/// <summary>Made-up people and posts, repeatable for a given seed, with the long tail of a real network.</summary>
public sealed class DemoData(DemoSize size)
{
    private static readonly string[] First = ["Ada", "Ben", "Chloé", "Dara", "Emeka", "Freya", "Goran", "Hana", "Ines", "Jonas", "Kai", "Lena", "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Vera", "Wen", "Ximena", "Yusuf", "Zoë"];
    private static readonly string[] Last = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Silva", "Kowalski", "Haddad", "Nguyen", "Schmidt", "Rossi", "Jensen", "Ibrahim", "Dubois", "Park"];
    private static readonly string[] Words = ["coffee", "deploy", "cache", "queue", "replica", "morning", "shipped", "weekend", "reading", "Redis", "Postgres", "latency", "bread", "crumbs", "garden", "train", "bug", "fixed", "lunch", "benchmark", "scaling", "clone", "timeline", "sunny", "rain", "idea", "release", "music", "walk", "today"];

    private readonly Random _random = new(size.Seed);

    public string DisplayName() => $"{First[_random.Next(First.Length)]} {Last[_random.Next(Last.Length)]}";

    public string Text()
    {
        var words = Enumerable.Range(0, _random.Next(4, 24)).Select(_ => Words[_random.Next(Words.Length)]);
        return string.Join(' ', words) + (_random.Next(10) == 0 ? " https://example.org/crumbs" : ".");
    }

    /// <summary>Distinct (follower, followee) index pairs; followees drawn from a power law, so a few are famous.</summary>
    public IReadOnlyCollection<(int Follower, int Followee)> Follows()
    {
        var pairs = new HashSet<(int, int)>();
        while (pairs.Count < size.Follows)
        {
            var follower = _random.Next(size.Users);
            var followee = (int)(size.Users * Math.Pow(_random.NextDouble(), 3));
            if (follower != followee)
            {
                pairs.Add((follower, followee));
            }
        }

        return pairs;
    }

    /// <summary>
    /// Distinct (user, post index) likes, both drawn uniformly, each some seconds within the last 2 days; at most half of
    /// all pairs (so that drawing never crawls towards the last free one).
    /// </summary>
    public IReadOnlyCollection<(int User, int Post, int SecondsAgo)> Likes(int posts)
    {
        var pairs = new Dictionary<(int, int), int>();
        var count = Math.Min(size.Likes, (long)size.Users * posts / 2);
        while (pairs.Count < count)
        {
            pairs.TryAdd((_random.Next(size.Users), _random.Next(posts)), _random.Next(2 * 24 * 3600));
        }

        return [.. pairs.Select(p => (p.Key.Item1, p.Key.Item2, p.Value))];
    }

    /// <summary>Post authors and times over the last 30 days, oldest first.</summary>
    public IEnumerable<(int Author, DateTime CreatedAt)> Posts(DateTime now) =>
        Enumerable.Range(0, size.Posts)
            .Select(_ => (_random.Next(size.Users), now.AddSeconds(-_random.Next(30 * 24 * 3600))))
            .OrderBy(p => p.Item2);

    /// <summary>Whether the next user was seen lately; with everyone active no number is drawn, so the data stay as before.</summary>
    public bool Active() => size.Active >= 1 || _random.NextDouble() < size.Active;

    public int Next(int max) => _random.Next(max);
}
