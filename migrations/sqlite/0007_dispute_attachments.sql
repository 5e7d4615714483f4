-- Files attached to dispute messages: PDF, PNG or JPEG (typed from their
-- content), at most 5 per message and 5 MB each. The bytes live in the
-- database, not on disk: a message and its files are saved in one
-- transaction (never half of them), backed up with everything else, and
-- every instance sharing a PostgreSQL database serves them.
CREATE TABLE dispute_attachments (
    id INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES disputes(id),
    message_id INTEGER NOT NULL REFERENCES dispute_messages(id),
    -- The uploader's name, cleaned for display; never used as a path.
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size_bytes INTEGER NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 5242880),
    -- Hex SHA-256 of the content.
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX dispute_attachments_message ON dispute_attachments (message_id);
CREATE INDEX dispute_attachments_dispute ON dispute_attachments (dispute_id, id);
