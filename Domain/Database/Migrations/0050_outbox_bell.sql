-- The relay is woken through Redis after the commit (Domain/Messaging/OutboxBell.cs), no longer by NOTIFY: Postgres
-- serializes notifying commits, WAL flush included, on one lock for the whole database.
drop trigger if exists outbox_inserted on outbox;
drop function if exists outbox_notify();
