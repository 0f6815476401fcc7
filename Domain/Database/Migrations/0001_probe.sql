-- Round trips that prove every clone reaches the queue, the database and the cache (see Probes).
create table probe (
    id          uuid primary key,
    sent_by     text not null,
    handled_by  text not null,
    handled_at  timestamptz not null default now()
);
