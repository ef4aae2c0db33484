-- FeeRouter: payments per input token and the split of the MASA they became.

CREATE TABLE fee_payments (
    token TEXT PRIMARY KEY,
    payments BIGINT NOT NULL DEFAULT 0,
    amount_in TEXT NOT NULL DEFAULT '0',
    masa TEXT NOT NULL DEFAULT '0'
);

-- bucket: burned, oracle, validator, contributor, treasury, dust
CREATE TABLE fee_distribution (
    bucket TEXT PRIMARY KEY,
    amount TEXT NOT NULL DEFAULT '0'
);

ALTER TABLE wallets ADD COLUMN fees_paid BIGINT NOT NULL DEFAULT 0;
