-- Baked ahead of time (lesson 4): results of join-heavy queries, computed on a schedule by one worker at a time.
create table baked (
    name      text primary key,               -- e.g. 'trending'
    baked_at  timestamptz not null,
    payload   jsonb not null
);

-- Who to follow, per recently active user.
create table suggestions (
    user_id   bigint primary key references users (id) on delete cascade,
    baked_at  timestamptz not null,
    payload   jsonb not null
);

-- Who may bake now: a row per lease, held until expires_at and renewed by its owner while it lives. A replica that
-- dies stops renewing, and another takes the lease once it has expired. requested_at asks the holder to bake now.
create table leases (
    name          text primary key,
    owner         text not null,
    expires_at    timestamptz not null,
    requested_at  timestamptz
);

-- Every bake that committed: who baked, from when to when, and how long it took. Tests read it to check that
-- bakes never overlap; operators to see the durations.
create table bake_runs (
    id           bigint generated always as identity primary key,
    owner        text not null,
    started_at   timestamptz not null,
    ended_at     timestamptz not null,
    trending     integer not null,
    suggestions  integer not null
);
create index bake_runs_by_end on bake_runs (ended_at desc);
