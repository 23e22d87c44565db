-- GuardCluster: PostgreSQL schema for Orleans' ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet 10.4.2).
-- Written for this project against the provider's query contract (the OrleansQuery keys, the @parameters it
-- binds and the columns it reads); the NuGet package ships no SQL. Idempotent: safe to run on every start.
-- Applied by PostgresSchema: silos with Cluster:PostgresInitSchema=true, or `guardctl db init`.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per cluster (Orleans calls it the deployment): the table version every membership write bumps.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL PRIMARY KEY,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Every write below is one statement: a membership change first takes the version row (UPDATE ... WHERE
-- Version = @Version locks it and re-checks the version after any concurrent writer commits), and the row
-- change happens only from that statement's result, so both succeed or neither does. Each returns one
-- integer, 1 for success and 0 for a lost race, which Orleans reads as a boolean.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', '
WITH added AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (CAST(@DeploymentId AS varchar))
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1)
SELECT CAST(count(*) AS integer) FROM added;'),

('InsertMembershipKey', '
WITH bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = CAST(@DeploymentId AS varchar)
      AND Version = CAST(@Version AS integer)
      AND NOT EXISTS (
          SELECT 1 FROM OrleansMembershipTable
          WHERE DeploymentId = CAST(@DeploymentId AS varchar) AND Address = CAST(@Address AS varchar)
            AND Port = CAST(@Port AS integer) AND Generation = CAST(@Generation AS integer))
    RETURNING DeploymentId),
added AS (
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT DeploymentId, CAST(@Address AS varchar), CAST(@Port AS integer), CAST(@Generation AS integer),
           CAST(@SiloName AS varchar), CAST(@HostName AS varchar), CAST(@Status AS integer),
           CAST(@ProxyPort AS integer), CAST(@StartTime AS timestamptz), CAST(@IAmAliveTime AS timestamptz)
    FROM bumped
    RETURNING 1)
SELECT CAST(count(*) AS integer) FROM added;'),

('UpdateMembershipKey', '
WITH bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = CAST(@DeploymentId AS varchar)
      AND Version = CAST(@Version AS integer)
      AND EXISTS (
          SELECT 1 FROM OrleansMembershipTable
          WHERE DeploymentId = CAST(@DeploymentId AS varchar) AND Address = CAST(@Address AS varchar)
            AND Port = CAST(@Port AS integer) AND Generation = CAST(@Generation AS integer))
    RETURNING DeploymentId),
changed AS (
    UPDATE OrleansMembershipTable m
    SET Status = CAST(@Status AS integer),
        SuspectTimes = CAST(@SuspectTimes AS varchar),
        IAmAliveTime = CAST(@IAmAliveTime AS timestamptz)
    FROM bumped
    WHERE m.DeploymentId = bumped.DeploymentId AND m.Address = CAST(@Address AS varchar)
      AND m.Port = CAST(@Port AS integer) AND m.Generation = CAST(@Generation AS integer)
    RETURNING 1)
SELECT CAST(count(*) AS integer) FROM changed;'),

('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable
SET IAmAliveTime = CAST(@IAmAliveTime AS timestamptz)
WHERE DeploymentId = CAST(@DeploymentId AS varchar) AND Address = CAST(@Address AS varchar)
  AND Port = CAST(@Port AS integer) AND Generation = CAST(@Generation AS integer);'),

-- Reads return the version row even when no silo row matches (the left join), as Orleans expects.
('MembershipReadRowKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
       ON m.DeploymentId = v.DeploymentId AND m.Address = CAST(@Address AS varchar)
      AND m.Port = CAST(@Port AS integer) AND m.Generation = CAST(@Generation AS integer)
WHERE v.DeploymentId = CAST(@DeploymentId AS varchar);'),

('MembershipReadAllKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = CAST(@DeploymentId AS varchar);'),

('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = CAST(@DeploymentId AS varchar) AND Status = CAST(@Status AS integer) AND ProxyPort > 0;'),

('DeleteMembershipTableEntriesKey', '
DELETE FROM OrleansMembershipTable WHERE DeploymentId = CAST(@DeploymentId AS varchar);
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = CAST(@DeploymentId AS varchar);'),

-- Removes rows of silos that are dead (status 6) and silent since @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = CAST(@DeploymentId AS varchar)
  AND IAmAliveTime < CAST(@IAmAliveTime AS timestamptz)
  AND Status = 6;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
