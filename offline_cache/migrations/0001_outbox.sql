-- 0001: the outbox (DESIGN §4, STYLE §5). One row per logical unit, sent oldest first per patient.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,      -- enqueue order
    unit_id TEXT NOT NULL UNIQUE,               -- client UUID: the idempotency key
    kind TEXT NOT NULL,
    patient_key TEXT,                           -- per-patient ordering; NULL = unordered
    label TEXT NOT NULL DEFAULT '',
    bundle_json BLOB NOT NULL,                  -- the final transaction Bundle, resent byte for byte
    updates_json BLOB NOT NULL DEFAULT '[]',    -- If-Match merge patches applied after the Bundle
    created_at_utc TEXT NOT NULL,
    enqueued_at_utc TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
    bundle_done INTEGER NOT NULL DEFAULT 0,     -- 1 once the transaction-response is stored
    updates_done INTEGER NOT NULL DEFAULT 0,    -- number of updates applied
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,    -- unix seconds
    last_error TEXT,                            -- the server's reason (clinician-readable)
    last_status INTEGER,                        -- HTTP status of the last failure, if any
    done_at_utc TEXT,
    response_json BLOB                          -- the transaction-response, stored with the 2xx
);
CREATE INDEX outbox_by_state ON outbox (state, next_attempt_at, seq);
CREATE INDEX outbox_by_patient ON outbox (patient_key, state, seq);

-- Binary attachments, kept as 64 KiB chunks so they are written and streamed without holding
-- the whole content in memory.
CREATE TABLE outbox_attachment (
    unit_id TEXT NOT NULL REFERENCES outbox (unit_id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    position INTEGER NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, client_id)
);
CREATE TABLE outbox_chunk (
    unit_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    chunk_index INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (unit_id, client_id, chunk_index),
    FOREIGN KEY (unit_id, client_id) REFERENCES outbox_attachment (unit_id, client_id)
        ON DELETE CASCADE
);
