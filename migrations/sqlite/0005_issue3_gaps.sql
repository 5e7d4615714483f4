-- The company logo (one row), and the link from a corrected invoice's new
-- draft to the invoice it replaces.

-- PNG or JPEG bytes, checked on upload; `etag` (a hash of the bytes) versions
-- the URL so browsers may cache the image for good.
CREATE TABLE company_logo (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    etag TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Set on the draft that "correct" creates (credit notes use corrects_invoice_id).
ALTER TABLE invoices ADD COLUMN replaces_invoice_id INTEGER REFERENCES invoices(id);

-- Like the other identity columns, it never changes once the invoice is issued.
CREATE TRIGGER invoices_issued_keep_what_they_replace
BEFORE UPDATE ON invoices
WHEN OLD.status <> 'draft' AND NEW.replaces_invoice_id IS NOT OLD.replaces_invoice_id
BEGIN
    SELECT RAISE(ABORT, 'issued invoices are immutable');
END;
