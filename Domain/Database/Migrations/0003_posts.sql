-- Posts, follows, likes and home timelines, designed for the reads (lesson 2).

-- A post carries a copy of its author's handle, name and picture, and its own like count: showing a post needs
-- no other row. Ids grow with time, so "newest first" is "highest id first".
create table posts (
    id                   bigint generated always as identity primary key,
    author_id            bigint not null references users (id) on delete cascade,
    author_handle        text not null,
    author_display_name  text not null,
    author_avatar_url    text,
    text                 text not null,
    like_count           integer not null default 0,
    created_at           timestamptz not null default now()
);
-- A user's posts, newest first, by keyset: where author_id = $1 and id < $2 order by id desc.
create index posts_by_author on posts (author_id, id desc);

create table follows (
    follower_id  bigint not null references users (id) on delete cascade,
    followee_id  bigint not null references users (id) on delete cascade,
    created_at   timestamptz not null default now(),
    primary key (follower_id, followee_id),
    check (follower_id <> followee_id)
);
-- Who follows a user (fan-out, the followers list); the primary key serves "whom a user follows".
create index follows_by_followee on follows (followee_id, follower_id);

create table likes (
    user_id     bigint not null references users (id) on delete cascade,
    post_id     bigint not null references posts (id) on delete cascade,
    created_at  timestamptz not null default now(),
    primary key (user_id, post_id)
);
-- Recent likes, for baking trending posts.
create index likes_by_time on likes (created_at);
create index likes_by_post on likes (post_id);

-- Every user's home timeline, written ahead of time by the workers' fan-out. A page is one range read of the
-- primary key: where user_id = $1 and post_id < $2 order by post_id desc.
create table timeline_entries (
    user_id    bigint not null,
    post_id    bigint not null,
    author_id  bigint not null,
    primary key (user_id, post_id)
);
-- Taking a deleted post out of every timeline, and an unfollowed author's posts out of one.
create index timeline_by_post on timeline_entries (post_id);
create index timeline_by_author on timeline_entries (user_id, author_id);
create index users_by_followers on users (follower_count);  -- who is too popular to fan out
