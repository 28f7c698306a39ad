-- 0003: what was pulled from the regional backend, so the workstation opens offline.
CREATE TABLE cached_resource (
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    last_updated TEXT,                          -- the server's meta.lastUpdated
    patient_ref TEXT,                           -- 'Patient/<id>' when the resource is about one
    resource_json BLOB NOT NULL,
    PRIMARY KEY (resource_type, resource_id)
);
CREATE INDEX cached_by_patient ON cached_resource (patient_ref, resource_type);

CREATE TABLE pull_watermark (
    stream TEXT PRIMARY KEY,                    -- e.g. 'Appointment', 'CarePlan'
    watermark TEXT,                             -- greatest meta.lastUpdated stored
    pulled_at_utc TEXT NOT NULL
);
