-- Governor: proposals as created, and their tallies and lifecycle counts.

CREATE TABLE proposals (
    proposal_id TEXT PRIMARY KEY,
    proposer TEXT NOT NULL,
    vote_start BIGINT NOT NULL,
    vote_end BIGINT NOT NULL,
    description TEXT NOT NULL,
    block_number BIGINT NOT NULL
);

CREATE TABLE proposal_tallies (
    proposal_id TEXT PRIMARY KEY,
    against_votes TEXT NOT NULL DEFAULT '0',
    for_votes TEXT NOT NULL DEFAULT '0',
    abstain_votes TEXT NOT NULL DEFAULT '0',
    voters BIGINT NOT NULL DEFAULT 0,
    queued BIGINT NOT NULL DEFAULT 0,
    executed BIGINT NOT NULL DEFAULT 0,
    canceled BIGINT NOT NULL DEFAULT 0
);

ALTER TABLE wallets ADD COLUMN votes_cast BIGINT NOT NULL DEFAULT 0;
