-- The node's scan position: the last block whose RequestPosted events were read, with its hash
-- (a reorg is detected when the chain's hash at that height changes).
CREATE TABLE checkpoint (
    id INTEGER PRIMARY KEY,
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL
);

-- One row per request the node saw. `state` moves forward: new -> answered -> submitted ->
-- finalized, or to refunded / expired (deadline passed without a quorum) / failed (the job
-- cannot be answered: bad parameters, a refused source) / unsupported (a job type the node does
-- not run). Hashes and signatures are 0x-hex text; request ids fit a BIGINT (they count up from 1).
CREATE TABLE jobs (
    request_id BIGINT PRIMARY KEY,
    job_type TEXT NOT NULL,
    job_name TEXT,
    params TEXT NOT NULL,
    params_hash TEXT NOT NULL,
    consumer TEXT NOT NULL,
    fee TEXT NOT NULL,
    quorum INTEGER NOT NULL,
    deadline BIGINT NOT NULL,
    posted_block BIGINT NOT NULL,
    posted_tx TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    result_hash TEXT,
    config_hash TEXT,
    signature TEXT,
    second_result_hash TEXT,
    second_signature TEXT,
    fulfil_tx TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_state ON jobs (state);

-- The normalized record a job produced (what the node answered from).
CREATE TABLE records (
    request_id BIGINT PRIMARY KEY,
    source TEXT NOT NULL,
    locator TEXT NOT NULL,
    fetched_at BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    metadata TEXT NOT NULL,
    result_hash TEXT NOT NULL
);

-- Signed answers collected from peers (and this node's own), verified before they are stored.
-- Two rows with one signer and one request but different results are an equivocation.
CREATE TABLE answers (
    request_id BIGINT NOT NULL,
    signer TEXT NOT NULL,
    result_hash TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, signer, result_hash, config_hash)
);
