-- AccessPasses: passes as accepted and their running totals (what the owner was paid, fees, the
-- escrow, what went back to the developer, uses requested and delivered, revoked, closed), and
-- each use's delivery (the record encrypted to the developer's key, as emitted). Amounts are in
-- the pass's price token (MASA or a token the fee router accepts), base units as decimal text;
-- uint256 ids, keys and ciphertext words are decimal text too.
--
-- `passes` and `pass_deliveries` are rows created by one event (a rewind deletes those above the
-- common ancestor); `pass_totals` and the wallet columns are sums of the events' changes (a
-- rewind subtracts the removed events' changes).

-- PassAccepted: the offer as the owner signed it and the developer accepted it. valid_from and
-- valid_until are uint64 (decimal: an offer may run to the end of time, beyond BIGINT's range);
-- purpose is the bytes32 label (0x-hex).
CREATE TABLE passes (
    pass_id BIGINT PRIMARY KEY,
    owner TEXT NOT NULL,
    developer TEXT NOT NULL,
    token_id TEXT NOT NULL,
    price_token TEXT NOT NULL,
    upfront_price TEXT NOT NULL,
    per_use_price TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    max_uses BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    terms TEXT NOT NULL,
    delivery_key_x TEXT NOT NULL,
    delivery_key_y TEXT NOT NULL,
    accepted_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    block_number BIGINT NOT NULL
);
CREATE INDEX passes_by_owner ON passes (owner, pass_id);
CREATE INDEX passes_by_developer ON passes (developer, pass_id);

-- owner_paid: paid to the owner (the upfront price at accept and one per-use price per delivery,
-- each less its fee); fees: the protocol's; escrow: held for uses not delivered yet (escrowed at
-- accept, released by each delivery, returned by a close); refunded: returned to the developer.
-- requested, delivered: uses so far. revoked: 1 once the owner revoked it, revoked_time when (at
-- most once per pass: a sum of one term); closed: 1 once its unused escrow went back (a close
-- empties the escrow, and an empty escrow cannot be closed: at most once).
CREATE TABLE pass_totals (
    pass_id BIGINT PRIMARY KEY,
    owner_paid TEXT NOT NULL DEFAULT '0',
    fees TEXT NOT NULL DEFAULT '0',
    escrow TEXT NOT NULL DEFAULT '0',
    refunded TEXT NOT NULL DEFAULT '0',
    requested BIGINT NOT NULL DEFAULT 0,
    delivered BIGINT NOT NULL DEFAULT 0,
    revoked BIGINT NOT NULL DEFAULT 0,
    revoked_time BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0
);

-- UseDelivered: one use's delivery, the pass's record encrypted to its delivery key, as emitted
-- (the contract verified the proof that it is the encryption of the pass's record), with what
-- the owner was paid for it and the fee. ciphertext: its 10 words, a JSON array of decimal
-- strings in emitted order.
CREATE TABLE pass_deliveries (
    pass_id BIGINT NOT NULL,
    use_index BIGINT NOT NULL,
    owner_amount TEXT NOT NULL,
    fee TEXT NOT NULL,
    ephemeral_key_x TEXT NOT NULL,
    ephemeral_key_y TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    block_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    PRIMARY KEY (pass_id, use_index)
);
CREATE INDEX pass_deliveries_in_chain_order ON pass_deliveries (pass_id, block_number, log_index);

-- Passes a wallet granted (as the record's owner) and bought (as the developer). What owners
-- were paid is read from `passes` and `pass_totals` (per price token): a delivery's event names
-- neither the owner nor the token, and a derived change depends on its event alone.
ALTER TABLE wallets ADD COLUMN passes_granted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN passes_bought BIGINT NOT NULL DEFAULT 0;

-- An index built before this migration may hold AccessPasses events (stored, raw, since the
-- contract joined the suite, with nothing derived from them): the store derives the family's
-- tables from them when it opens (see 0009_pools.sql).
INSERT INTO derive_backlog (family) VALUES ('passes');
