-- E-invoicing lifecycle statuses (CDAR codes 200-228) of each invoice, and
-- the queue that hands them to the business's approved platform (PA).
--
-- A status is written in the same transaction as the event that causes it
-- (issue, first view by the customer, dispute opened or resolved, credit
-- note, checkout started, payment collected). `source` and `reference` name
-- that event (`payment` + the payment id, `dispute_event` + the event id, …):
-- with the invoice and the code they are unique, so a replayed webhook or a
-- second view adds nothing. `status_date` is the day the status is about (the
-- day an offline payment was received, else the UTC day it was recorded).
CREATE TABLE lifecycle_statuses (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    code INTEGER NOT NULL CHECK (code IN (200, 204, 205, 206, 207, 208, 210, 211, 212)),
    amount_minor INTEGER,
    currency TEXT,
    occurred_at INTEGER NOT NULL,
    status_date TEXT NOT NULL,
    source TEXT NOT NULL,
    reference TEXT NOT NULL,
    UNIQUE (invoice_id, code, source, reference)
);
CREATE INDEX lifecycle_statuses_invoice ON lifecycle_statuses (invoice_id, occurred_at, id);
CREATE INDEX lifecycle_statuses_date ON lifecycle_statuses (status_date, id);

-- One row per status to send to the platform: claimed with a compare-and-set
-- on `attempts` and leased through `next_attempt_at` (as the email outbox).
CREATE TABLE lifecycle_outbox (
    status_id INTEGER PRIMARY KEY REFERENCES lifecycle_statuses(id),
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    sent_at INTEGER
);
CREATE INDEX lifecycle_outbox_due ON lifecycle_outbox (state, next_attempt_at);
