-- zkSBT registry: records as minted (public fields only: never the ciphertext), their status,
-- registry statistics (counts, and MASA amounts of the mint fees), per-tree leaf counts (the
-- anonymity sets) and per-schema counts.

CREATE TABLE zksbt_records (
    token_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    schema_id TEXT NOT NULL,
    issuer TEXT NOT NULL,
    commitment TEXT NOT NULL,
    tree_id BIGINT NOT NULL,
    leaf_index BIGINT NOT NULL,
    expiry BIGINT NOT NULL,
    block_number BIGINT NOT NULL
);
CREATE INDEX zksbt_records_by_owner ON zksbt_records (owner);

CREATE TABLE zksbt_status (
    token_id TEXT PRIMARY KEY,
    burned BIGINT NOT NULL DEFAULT 0,
    revoked BIGINT NOT NULL DEFAULT 0,
    expired BIGINT NOT NULL DEFAULT 0
);

-- counter: minted, burned, revoked, expired, disclosures, disclosures_direct,
-- disclosures_anonymous, identities (registered), mint_fees (paid; amount: MASA wei),
-- fees_forwarded (to the fee router; amount: MASA wei)
CREATE TABLE zksbt_stats (
    counter TEXT PRIMARY KEY,
    value BIGINT NOT NULL DEFAULT 0,
    amount TEXT NOT NULL DEFAULT '0'
);

-- each tree's leaves ever inserted and removed (live leaves: its anonymity set)
CREATE TABLE zksbt_trees (
    tree_id BIGINT PRIMARY KEY,
    inserted BIGINT NOT NULL DEFAULT 0,
    removed BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE zksbt_schemas (
    schema_id TEXT PRIMARY KEY,
    minted BIGINT NOT NULL DEFAULT 0,
    disclosures BIGINT NOT NULL DEFAULT 0
);

ALTER TABLE wallets ADD COLUMN records_held BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN records_minted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN disclosures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN disclosures_consumed BIGINT NOT NULL DEFAULT 0;
