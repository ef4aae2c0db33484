-- The transaction outbox: one row per key, the purpose the node sends a transaction for
-- (`fulfill:42`, `equivocation:42:0x…`), so that a purpose is served by one transaction however
-- often it is asked for and whenever the node restarts. `state` moves forward: pending -> mined
-- (receipt status 1) or reverted (status 0); failed when no transaction of the key can mine any
-- more and none did (its nonce was taken by another transaction and the call is now refused, or
-- the node rejected it for good): only then may the key be sent again. `nonce` is the nonce every
-- live attempt of the key carries; `tx_hash`, `block_number`, `gas_used` are the mined attempt's.
-- Addresses, hashes, call data and amounts are 0x-hex or decimal text; numbers are BIGINT.
CREATE TABLE outbox (
    tx_key TEXT PRIMARY KEY,
    call_name TEXT NOT NULL,
    sender TEXT NOT NULL,
    to_address TEXT NOT NULL,
    input TEXT NOT NULL,
    gas_limit BIGINT NOT NULL,
    nonce BIGINT NOT NULL,
    state TEXT NOT NULL,
    tx_hash TEXT,
    block_number BIGINT,
    gas_used BIGINT,
    error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX outbox_state ON outbox (state);

-- Every transaction signed for a key: the first, each replacement (same nonce, fees bumped by at
-- least 12.5%) and, when another transaction took the nonce, a re-signed one with a fresh nonce.
-- A row is committed before its transaction is broadcast; `raw` is the signed transaction (public
-- data: it is what the node broadcasts), rebroadcast as is after a restart. `sent_block` is the
-- latest block when it was signed, `sent_at` the unix time.
CREATE TABLE outbox_attempts (
    tx_hash TEXT PRIMARY KEY,
    tx_key TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    nonce BIGINT NOT NULL,
    max_fee_per_gas TEXT NOT NULL,
    max_priority_fee_per_gas TEXT NOT NULL,
    raw TEXT NOT NULL,
    sent_block BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    UNIQUE (tx_key, attempt)
);
CREATE INDEX outbox_attempts_key ON outbox_attempts (tx_key);
