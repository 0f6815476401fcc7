-- What the messaging tests look at: how often a probe was applied, and in which trace the worker handled it.
alter table probe
    add column handled_count  int not null default 1,
    add column trace_id       text;
