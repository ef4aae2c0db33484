-- The raw log of every event, as emitted: `topics` holds its topics' 32-byte words concatenated
-- (topic 0, the event's selector, first: 0 to 4 words) and `data` its ABI-encoded data. The
-- derive layer decodes them with the event types the bindings generate (`sol!` over the Foundry
-- artifacts) when an event is indexed, and again when a reorg rewind undoes it; `args` stays the
-- API's JSON view of the same event.
--
-- BYTEA is PostgreSQL's byte string; SQLite accepts the name (NUMERIC affinity, which never
-- converts a BLOB), so one file serves both databases.
--
-- Rows indexed before this migration have NULL in both columns: their raw logs were not kept, and
-- `args` cannot rebuild them (a zkSBT ciphertext is stored as its length and hash). A row is only
-- read again when a reorg rewinds it, which can only happen inside the stored unfinalised window
-- (the blocks in `blocks`), so the indexer fills the rows of that window once when it starts, from
-- the RPC's logs of those exact blocks (`eth_getLogs` by block hash). Older rows are final and
-- keep NULL. Should the RPC no longer serve a block of the window (it was reorged away while the
-- indexer was stopped, and the node dropped it), a rewind over its events stops with an error
-- that asks for a re-index from scratch (an empty database).
ALTER TABLE events ADD COLUMN topics BYTEA;
ALTER TABLE events ADD COLUMN data BYTEA;
