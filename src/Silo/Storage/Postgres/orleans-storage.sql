-- GuardCluster: PostgreSQL schema for Orleans' ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet 10.4.2).
-- Written for this project against the provider's query contract (the OrleansQuery keys, the @parameters it
-- binds and the columns it reads); the NuGet package ships no SQL. Idempotent: safe to run on every start.
-- Applied by PostgresSchema: silos with Cluster:PostgresInitSchema=true, or `guardctl db init`.
-- State is Orleans' binary serializer output (PayloadBinary); Version is the etag.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    ServiceId              varchar(150) NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    -- '' when the grain id has no string part, so the key below has no NULLs.
    GrainIdExtensionString varchar(512) NOT NULL DEFAULT '',
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL,
    PRIMARY KEY (ServiceId, GrainTypeHash, GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
);

-- Write: with an etag (@GrainStateVersion) update the row holding that version; without one insert version 1
-- unless a row exists. Returns the new version, or the old etag (NULL without one) when the write lost a race,
-- which Orleans turns into InconsistentStateException.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
WITH args AS (SELECT CAST(@GrainStateVersion AS integer) AS expected),
updated AS (
    UPDATE OrleansStorage s
    SET PayloadBinary = CAST(@PayloadBinary AS bytea), ModifiedOn = now(), Version = s.Version + 1
    FROM args
    WHERE args.expected IS NOT NULL AND s.Version = args.expected
      AND s.ServiceId = CAST(@ServiceId AS varchar) AND s.GrainTypeHash = CAST(@GrainTypeHash AS integer)
      AND s.GrainIdHash = CAST(@GrainIdHash AS integer) AND s.GrainIdN0 = CAST(@GrainIdN0 AS bigint)
      AND s.GrainIdN1 = CAST(@GrainIdN1 AS bigint) AND s.GrainTypeString = CAST(@GrainTypeString AS varchar)
      AND s.GrainIdExtensionString = COALESCE(CAST(@GrainIdExtensionString AS varchar), '''')
    RETURNING s.Version),
inserted AS (
    INSERT INTO OrleansStorage (ServiceId, GrainTypeHash, GrainTypeString, GrainIdHash, GrainIdN0, GrainIdN1,
                                GrainIdExtensionString, PayloadBinary, Version)
    SELECT CAST(@ServiceId AS varchar), CAST(@GrainTypeHash AS integer), CAST(@GrainTypeString AS varchar),
           CAST(@GrainIdHash AS integer), CAST(@GrainIdN0 AS bigint), CAST(@GrainIdN1 AS bigint),
           COALESCE(CAST(@GrainIdExtensionString AS varchar), ''''), CAST(@PayloadBinary AS bytea), 1
    FROM args
    WHERE args.expected IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version)
SELECT COALESCE((SELECT Version FROM updated), (SELECT Version FROM inserted), args.expected) AS NewGrainStateVersion
FROM args;'),

('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = CAST(@ServiceId AS varchar) AND GrainTypeHash = CAST(@GrainTypeHash AS integer)
  AND GrainIdHash = CAST(@GrainIdHash AS integer) AND GrainIdN0 = CAST(@GrainIdN0 AS bigint)
  AND GrainIdN1 = CAST(@GrainIdN1 AS bigint) AND GrainTypeString = CAST(@GrainTypeString AS varchar)
  AND GrainIdExtensionString = COALESCE(CAST(@GrainIdExtensionString AS varchar), '''');'),

-- Clear keeps the row (with no payload) and bumps its version, so a stale activation cannot write after it.
('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
WHERE ServiceId = CAST(@ServiceId AS varchar) AND GrainTypeHash = CAST(@GrainTypeHash AS integer)
  AND GrainIdHash = CAST(@GrainIdHash AS integer) AND GrainIdN0 = CAST(@GrainIdN0 AS bigint)
  AND GrainIdN1 = CAST(@GrainIdN1 AS bigint) AND GrainTypeString = CAST(@GrainTypeString AS varchar)
  AND GrainIdExtensionString = COALESCE(CAST(@GrainIdExtensionString AS varchar), '''')
  AND Version = CAST(@GrainStateVersion AS integer)
RETURNING Version AS NewGrainStateVersion;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
