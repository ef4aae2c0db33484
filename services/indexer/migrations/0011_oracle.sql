-- The oracle network (OracleNodes, OracleRequests, OracleRewards): nodes as registered, their
-- endpoints, stake changes and slashes, with running totals; data requests as posted, their
-- results and dissents, with running totals; per operator, the request fees its node earned and
-- withdrew; the weight each node's stake gives it in the rewards (as synced) and the rewards it
-- claimed. Amounts are MASA wei as decimal text; bytes32 values (job types, hashes, reasons) are
-- 0x-hex.
--
-- Every table is either rows created by one event (a rewind deletes those above the common
-- ancestor) or sums of the events' changes (a rewind subtracts the removed events' changes).
-- Values that are not sums (a node's endpoint, its jail, its stake split between active and
-- unbonding, its weight) are read from the rows, never kept as a current value that a rewind
-- could not restore.

-- NodeRegistered: once per operator (a registered operator cannot register again).
CREATE TABLE oracle_nodes (
    operator TEXT PRIMARY KEY,
    signer TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    registered_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL
);
CREATE INDEX oracle_nodes_in_chain_order ON oracle_nodes (block_number, log_index);
CREATE INDEX oracle_nodes_by_signer ON oracle_nodes (signer);

-- EndpointChanged: a node's endpoint now is its latest change's, or the registered one.
CREATE TABLE oracle_endpoints (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    operator TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    changed_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX oracle_endpoints_by_operator ON oracle_endpoints (operator, block_number, log_index);

-- Staked ('stake', with the stake after it), Unbonding ('unbond', with when it is claimable),
-- UnbondingLapsed ('lapse': back to the active stake) and Claimed ('claim': the unbonded stake
-- withdrawn). A slash takes the active stake first, then the unbonding stake, and its event says
-- how much but not from which: that depends on the node's stake at the time. So the active and
-- the unbonding stake now are replayed from these rows and `oracle_slashes`, in chain order,
-- when read (their sum, `held`, is a sum: `oracle_node_totals`).
CREATE TABLE oracle_stake_changes (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    operator TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount TEXT NOT NULL,
    staked TEXT NOT NULL,
    unbonded_at BIGINT NOT NULL,
    block_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX oracle_stake_changes_by_operator ON oracle_stake_changes (operator, block_number, log_index);

-- Slashed: amount slashed, the reporter's reward (the zero address and 0 for a governance
-- slash), the part burned (the rest went to the treasury), the reason (bytes32) and the jail's
-- end the slash left (the node's latest jail end, never earlier than a previous one: a node is
-- jailed until the largest `jailed_until` of its slashes).
CREATE TABLE oracle_slashes (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    operator TEXT NOT NULL,
    reporter TEXT NOT NULL,
    reason TEXT NOT NULL,
    amount TEXT NOT NULL,
    reward TEXT NOT NULL,
    burned TEXT NOT NULL,
    jailed_until BIGINT NOT NULL,
    slashed_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX oracle_slashes_by_operator ON oracle_slashes (operator, block_number, log_index);

-- held: staked + unbonding (in by stakes; out by claims and slashes). staked_in, unbonded,
-- lapsed, claimed, slashed: totals of the stakes, unbondings, lapses, claims and slashes, with
-- their counts; endpoint_changes: EndpointChanged events.
CREATE TABLE oracle_node_totals (
    operator TEXT PRIMARY KEY,
    held TEXT NOT NULL DEFAULT '0',
    staked_in TEXT NOT NULL DEFAULT '0',
    stakes BIGINT NOT NULL DEFAULT 0,
    unbonded TEXT NOT NULL DEFAULT '0',
    unbondings BIGINT NOT NULL DEFAULT 0,
    lapsed TEXT NOT NULL DEFAULT '0',
    lapses BIGINT NOT NULL DEFAULT 0,
    claimed TEXT NOT NULL DEFAULT '0',
    claims BIGINT NOT NULL DEFAULT 0,
    slashed TEXT NOT NULL DEFAULT '0',
    slashes BIGINT NOT NULL DEFAULT 0,
    endpoint_changes BIGINT NOT NULL DEFAULT 0
);

-- RequestPosted: the request's terms (its fee is held in escrow until it finalizes or refunds).
CREATE TABLE oracle_requests (
    request_id BIGINT PRIMARY KEY,
    consumer TEXT NOT NULL,
    job_type TEXT NOT NULL,
    params_hash TEXT NOT NULL,
    uri TEXT NOT NULL,
    fee TEXT NOT NULL,
    quorum BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    posted_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    block_number BIGINT NOT NULL
);
CREATE INDEX oracle_requests_by_consumer ON oracle_requests (consumer, request_id);

-- RequestFinalized (at most once per request: only an open request finalizes): the agreed
-- result and configuration, the operators paid (a JSON array, in the event's order: by signer)
-- and each one's share; the first also got the split's remainder, the request's fee less
-- share * operator_count.
CREATE TABLE oracle_results (
    request_id BIGINT PRIMARY KEY,
    result_hash TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    operators TEXT NOT NULL,
    operator_count BIGINT NOT NULL,
    first_operator TEXT NOT NULL,
    share TEXT NOT NULL,
    finalized_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    block_number BIGINT NOT NULL
);
CREATE INDEX oracle_results_by_first_operator ON oracle_results (first_operator);

-- refunded: 1 once its fee went back to its consumer, refunded_time when (at most once per
-- request: only an open request refunds).
CREATE TABLE oracle_request_totals (
    request_id BIGINT PRIMARY KEY,
    refunded BIGINT NOT NULL DEFAULT 0,
    refunded_time BIGINT NOT NULL DEFAULT 0
);

-- Dissented: another active node's signed, different answer, recorded by the finalization.
CREATE TABLE oracle_dissents (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    operator TEXT NOT NULL,
    result_hash TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX oracle_dissents_by_request ON oracle_dissents (request_id, block_number, log_index);

-- Per operator: shares of the fees of the requests its node answered (answered: how many),
-- withdrawn (withdrawals: how many), dissents its node signed. What it earned is shares plus the
-- remainders of the requests it was paid first in (`oracle_results`, with the requests' fees).
CREATE TABLE oracle_fees (
    operator TEXT PRIMARY KEY,
    shares TEXT NOT NULL DEFAULT '0',
    answered BIGINT NOT NULL DEFAULT 0,
    withdrawn TEXT NOT NULL DEFAULT '0',
    withdrawals BIGINT NOT NULL DEFAULT 0,
    dissents BIGINT NOT NULL DEFAULT 0
);

-- WeightSynced: an operator's weight in the rewards as synced (its active stake then) and the
-- total weight. The event carries the new weight, not the change, so its weight now is its
-- latest row's.
CREATE TABLE oracle_weights (
    block_number BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    operator TEXT NOT NULL,
    weight TEXT NOT NULL,
    total_weight TEXT NOT NULL,
    synced_time BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX oracle_weights_by_operator ON oracle_weights (operator, block_number, log_index);

-- RewardClaimed: rewards each operator claimed, and how many times.
CREATE TABLE oracle_rewards (
    operator TEXT PRIMARY KEY,
    claimed TEXT NOT NULL DEFAULT '0',
    claims BIGINT NOT NULL DEFAULT 0
);

-- Nodes a wallet registered as an operator (0 or 1) and data requests it posted as a consumer.
-- What its node earned it is read from the tables above.
ALTER TABLE wallets ADD COLUMN nodes_registered BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD COLUMN requests_posted BIGINT NOT NULL DEFAULT 0;

-- An index built before this migration holds the three contracts' events (stored, raw, since
-- they joined the suite, with nothing derived from them): the store derives the family's tables
-- from them when it opens (see 0009_pools.sql).
INSERT INTO derive_backlog (family) VALUES ('oracle');
