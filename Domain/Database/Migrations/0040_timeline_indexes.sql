-- A home timeline row is written once per active follower of every post: the fan-out's largest cost in Postgres is
-- the row and its indexes. Only the primary key (user_id, post_id) is kept; the rarer paths find rows through it:
-- a deleted post is looked up at each of its author's followers (Worker/Timelines/PostRemovalHandler.cs), an
-- unfollowed author's posts within the one reader's timeline (FollowHandlers.cs), and the readers the fan-out names
-- at each follower of the author (FanOutHandler.cs).
drop index if exists timeline_by_post;
drop index if exists timeline_by_author;
