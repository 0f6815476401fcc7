-- Accounts. A user row carries its own counters, so a profile is one row read (lesson 2).
create table users (
    id               bigint generated always as identity primary key,
    handle           text not null,
    display_name     text not null,
    bio              text not null default '',
    password_hash    text not null,
    avatar_url       text,
    follower_count   integer not null default 0,
    following_count  integer not null default 0,
    post_count       integer not null default 0,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
-- Handles are unique whatever their case; the profile read goes through this index.
create unique index users_handle_key on users (lower(handle));

-- Uploaded pictures live in the database, never on a web server's disk (lesson 1).
create table media (
    id            uuid primary key,
    owner_id      bigint not null references users (id) on delete cascade,
    content_type  text not null,
    width         integer not null,
    height        integer not null,
    sha256        text not null,
    bytes         bytea not null,
    created_at    timestamptz not null default now()
);
create index media_owner on media (owner_id);
