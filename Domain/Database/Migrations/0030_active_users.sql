-- Home timelines are kept only for users who came lately (Domain/Timelines/HomeFeeds.cs): the fan-out writes to
-- followers active within Crumbs:Timeline:ActiveFor and skips the rest; a returning user's timeline is rebuilt
-- from follows × posts when they sign in or use their session again. Everyone counts as active from this upgrade on,
-- since their timelines are complete today. Touched at most once an hour per user, so it costs the reads nothing.
alter table users add column last_active_at timestamptz not null default now();
