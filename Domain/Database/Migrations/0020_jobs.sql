-- Work that people come back for later (lesson 4): a job row they can watch while a worker does the work.
create table jobs (
    id           uuid primary key,
    owner_id     bigint not null references users (id) on delete cascade,
    kind         text not null check (kind in ('avatar', 'export')),
    state        text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
    progress     integer not null default 0 check (progress between 0 and 100),
    reason       text,
    result_ref   text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    expires_at   timestamptz not null
);
-- A user's jobs of a kind, newest first: the exports page and "is a picture being processed?".
create index jobs_by_owner on jobs (owner_id, kind, created_at desc);

-- An uploaded picture waiting for the worker. Never served: it may carry metadata (e.g. where a photo was taken).
create table avatar_uploads (
    job_id        uuid primary key references jobs (id) on delete cascade,
    owner_id      bigint not null references users (id) on delete cascade,
    content_type  text not null,
    bytes         bytea not null,
    created_at    timestamptz not null default now()
);

-- The small picture beside the large one (avatar_url), both made by the worker from one upload.
alter table users add column avatar_small_url text;

-- Finished data exports, served to their owner until the job's expires_at.
create table exports (
    job_id        uuid primary key references jobs (id) on delete cascade,
    owner_id      bigint not null references users (id) on delete cascade,
    content_type  text not null,
    file_name     text not null,
    bytes         bytea not null,
    created_at    timestamptz not null default now()
);
