-- DataPools: pools as created and their running totals, stakes and what their recipients
-- claimed, each stake's delivery (the record encrypted to the developer's key, as emitted), and
-- the rewards each recipient claimed per pool. Amounts are MASA wei as decimal text; uint256 ids,
-- keys and ciphertext words are decimal text too.
--
-- `pools`, `pool_stakes` and `pool_deliveries` are rows created by one event (a rewind deletes
-- those above the common ancestor); the other tables and columns are sums of the events' changes
-- (a rewind subtracts the removed events' changes).

-- PoolCreated: the developer's choices, as created (a later `Extended` or `PoolEnded` moves the
-- end: `pool_totals`).
CREATE TABLE pools (
    pool_id BIGINT PRIMARY KEY,
    developer TEXT NOT NULL,
    schema_id TEXT NOT NULL,
    -- the statement a staker proves: issuer set (0: any), field, operator (0 ==, 1 !=, 2 <, 3 <=,
    -- 4 >, 5 >=, 6 in [a, b]) and operands (uint64, decimal: beyond BIGINT's range)
    issuer_set TEXT NOT NULL,
    field_index BIGINT NOT NULL,
    operator BIGINT NOT NULL,
    operand_a TEXT NOT NULL,
    operand_b TEXT NOT NULL,
    start_time BIGINT NOT NULL,
    end_time BIGINT NOT NULL,
    max_stakers BIGINT NOT NULL,
    metadata_uri TEXT NOT NULL,
    delivery_key_x TEXT NOT NULL,
    delivery_key_y TEXT NOT NULL,
    created_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    block_number BIGINT NOT NULL
);
CREATE INDEX pools_by_developer ON pools (developer, pool_id);
CREATE INDEX pools_by_schema ON pools (schema_id, pool_id);

-- funded: reward budget net of fees (creation and top-ups); fees: paid to the fee router;
-- paid: claimed by stakers; refunded: returned to the developer. extended_by: seconds the end
-- moved later (sum of `newEnd - oldEnd`); ended_at: when the developer ended it (0: never; at
-- most once per pool). stakers: staked now; stakes, unstakes, deliveries, claims, top_ups,
-- extensions, refunds: events so far.
CREATE TABLE pool_totals (
    pool_id BIGINT PRIMARY KEY,
    funded TEXT NOT NULL DEFAULT '0',
    fees TEXT NOT NULL DEFAULT '0',
    paid TEXT NOT NULL DEFAULT '0',
    refunded TEXT NOT NULL DEFAULT '0',
    extended_by BIGINT NOT NULL DEFAULT 0,
    ended_at BIGINT NOT NULL DEFAULT 0,
    stakers BIGINT NOT NULL DEFAULT 0,
    stakes BIGINT NOT NULL DEFAULT 0,
    unstakes BIGINT NOT NULL DEFAULT 0,
    deliveries BIGINT NOT NULL DEFAULT 0,
    claims BIGINT NOT NULL DEFAULT 0,
    top_ups BIGINT NOT NULL DEFAULT 0,
    extensions BIGINT NOT NULL DEFAULT 0,
    refunds BIGINT NOT NULL DEFAULT 0
);

-- Staked: a stake under its nullifier (decimal), paid to its recipient.
CREATE TABLE pool_stakes (
    pool_id BIGINT NOT NULL,
    nullifier TEXT NOT NULL,
    recipient TEXT NOT NULL,
    staked_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    PRIMARY KEY (pool_id, nullifier)
);
CREATE INDEX pool_stakes_in_chain_order ON pool_stakes (pool_id, block_number, log_index);
CREATE INDEX pool_stakes_by_recipient ON pool_stakes (recipient);

-- claimed: MASA paid to the stake's recipient; unstaked_time and unstaked_block: when it was
-- withdrawn (0: still staked; at most once per stake).
CREATE TABLE pool_stake_totals (
    pool_id BIGINT NOT NULL,
    nullifier TEXT NOT NULL,
    claimed TEXT NOT NULL DEFAULT '0',
    claims BIGINT NOT NULL DEFAULT 0,
    unstaked_time BIGINT NOT NULL DEFAULT 0,
    unstaked_block BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (pool_id, nullifier)
);

-- Delivered: the stake's record encrypted to the pool's delivery key, as emitted (the pool
-- verified the proof that it is the encryption of the disclosed record). ciphertext: its 10
-- words, a JSON array of decimal strings in emitted order.
CREATE TABLE pool_deliveries (
    pool_id BIGINT NOT NULL,
    nullifier TEXT NOT NULL,
    ephemeral_key_x TEXT NOT NULL,
    ephemeral_key_y TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    block_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    PRIMARY KEY (pool_id, nullifier)
);
CREATE INDEX pool_deliveries_in_chain_order ON pool_deliveries (pool_id, block_number, log_index);

-- Per recipient and pool: stakes it receives the rewards of, rewards claimed.
CREATE TABLE pool_rewards (
    recipient TEXT NOT NULL,
    pool_id BIGINT NOT NULL,
    stakes BIGINT NOT NULL DEFAULT 0,
    claims BIGINT NOT NULL DEFAULT 0,
    claimed TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (recipient, pool_id)
);

ALTER TABLE wallets ADD COLUMN pools_created BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN pool_refunds TEXT NOT NULL DEFAULT '0';
ALTER TABLE wallets ADD COLUMN pool_stakes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN pool_rewards TEXT NOT NULL DEFAULT '0';

-- Families whose tables an index must still derive from the events it already stores. An index
-- built before this migration may hold DataPools events (they were stored, raw, since the contract
-- joined the suite, with nothing derived from them): when the store opens, it derives the
-- family's tables from those events and deletes the family's row, in one transaction. A new index
-- has no such events: the row is deleted and nothing is derived.
CREATE TABLE derive_backlog (
    family TEXT PRIMARY KEY
);
INSERT INTO derive_backlog (family) VALUES ('pools');
