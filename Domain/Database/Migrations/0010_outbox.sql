-- The transactional outbox: a business change and the messages it causes commit together; the relay in the
-- workers publishes what is pending. Ordered by id within an aggregate (see Messaging/Outbox.cs).
create table outbox (
    id             bigint generated always as identity primary key,
    message_id     uuid not null unique,
    queue          text not null,
    kind           text not null,
    aggregate_key  text,
    payload        jsonb not null,
    headers        jsonb not null default '{}',
    created_at     timestamptz not null default now(),
    sent_at        timestamptz,
    attempts       int not null default 0,
    last_error     text,
    retry_at       timestamptz  -- after a refused publish: not before then, so one bad row holds up no others
);

-- Only pending rows are ever searched; sent rows are history.
create index outbox_pending on outbox (id) where sent_at is null;
create index outbox_pending_by_aggregate on outbox (aggregate_key, id) where sent_at is null;

-- Wakes the relay as soon as a row commits (NOTIFY is delivered on commit); it still polls in case one is missed.
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('outbox', '');
    return null;
end $$;

create trigger outbox_inserted after insert on outbox
    for each statement execute function outbox_notify();

-- Which consumer has already applied which message: a redelivery finds its row and changes nothing.
create table processed_message (
    consumer      text not null,
    message_id    uuid not null,
    processed_at  timestamptz not null default now(),
    primary key (consumer, message_id)
);
create index processed_message_age on processed_message (processed_at); -- for pruning (see OutboxRows.PruneAsync)
