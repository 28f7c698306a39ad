-- 0002: the local audit chain: each entry carries the hash of the previous one.
CREATE TABLE audit_chain (
    seq INTEGER PRIMARY KEY,                    -- 1, 2, 3, ... without gaps
    recorded_at_utc TEXT NOT NULL,
    entry_json BLOB NOT NULL,
    prev_hash TEXT NOT NULL,                    -- hex SHA-256 of the previous entry (zeros for seq 1)
    hash TEXT NOT NULL
);
