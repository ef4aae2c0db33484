-- Network activity over time: events per UTC day, contract and event.

CREATE TABLE activity (
    day BIGINT NOT NULL,
    contract TEXT NOT NULL,
    event TEXT NOT NULL,
    events BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, contract, event)
);
