-- The raw index: every decoded event of the deployment's contracts, the block hashes of the
-- unfinalised window (reorg detection) and how far the index reaches. Portable SQL: the same
-- files serve SQLite and PostgreSQL. Derived state lives in one migration per contract family.

CREATE TABLE checkpoint (
    id INTEGER PRIMARY KEY,
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL
);

-- Blocks above the finality depth (and the checkpoint block): number, hash, parent hash.
CREATE TABLE blocks (
    block_number BIGINT PRIMARY KEY,
    block_hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL
);

CREATE TABLE events (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    block_time BIGINT NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    address TEXT NOT NULL,
    contract TEXT NOT NULL,
    event TEXT NOT NULL,
    args TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

CREATE INDEX events_by_contract_event ON events (contract, event, block_number, log_index);
CREATE INDEX events_by_address ON events (address, block_number, log_index);

-- One row per wallet that appears in an event; each family adds its own columns.
CREATE TABLE wallets (
    address TEXT PRIMARY KEY
);
