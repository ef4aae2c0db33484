-- Every decoded event of the deployment's contracts, and how far the index reaches.
-- Portable SQL: the same file serves SQLite and PostgreSQL.

CREATE TABLE checkpoint (
    id INTEGER PRIMARY KEY,
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL
);

CREATE TABLE events (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    address TEXT NOT NULL,
    contract TEXT NOT NULL,
    event TEXT NOT NULL,
    args TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

CREATE INDEX events_by_contract_event ON events (contract, event, block_number);
