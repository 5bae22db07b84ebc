-- P16: every tenant has the built-in "All Users" group. Its fixed id lets code find it without
-- a lookup; its displayName takes part in the tenant-wide uniqueness of P15.
INSERT OR IGNORE INTO groups (id, display_name, external_id, source, doc, version, created, last_modified)
VALUES ('all-users', 'All Users', NULL, 'builtin', '{"displayName":"All Users"}', 1,
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
