-- Vesting wallets: allocation, released and revoked amounts per wallet.

CREATE TABLE vesting (
    wallet TEXT PRIMARY KEY,
    allocation TEXT NOT NULL DEFAULT '0',
    released TEXT NOT NULL DEFAULT '0',
    revoked_unvested TEXT NOT NULL DEFAULT '0'
);

ALTER TABLE wallets ADD COLUMN vested_released TEXT NOT NULL DEFAULT '0';
