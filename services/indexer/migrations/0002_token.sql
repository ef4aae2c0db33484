-- MASA (and any ERC-20 family contract): balances, minted and burned totals, per-wallet
-- transfer counts and rewards received from the fee router.

CREATE TABLE balances (
    token TEXT NOT NULL,
    holder TEXT NOT NULL,
    amount TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (token, holder)
);

CREATE TABLE supply (
    token TEXT PRIMARY KEY,
    minted TEXT NOT NULL DEFAULT '0',
    burned TEXT NOT NULL DEFAULT '0'
);

ALTER TABLE wallets ADD COLUMN transfers_in BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN transfers_out BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN rewards_earned TEXT NOT NULL DEFAULT '0';
