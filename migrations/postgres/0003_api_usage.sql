-- API usage per org (issue 5): the latest daily allowance Salesforce reported to the sync engine
-- (`Sforce-Limit-Info: api-usage=USED/MAX`) and the calls orgsync itself made, for `orgsync
-- status`. One row per org, replaced after each sync cycle.
-- Timestamps are integers: milliseconds since the Unix epoch, UTC.

CREATE TABLE api_usage (
    org   TEXT    PRIMARY KEY,
    used  BIGINT,
    max   BIGINT,
    calls BIGINT  NOT NULL,
    at_ms BIGINT  NOT NULL
);
