-- user_emails is a derived index of users.doc -> emails[].value (serves `emails.value eq ...`
-- from an index). Triggers keep it in step inside the same statement as the write, so no writer
-- can forget it and no race between two writers can leave it stale.
CREATE TRIGGER users_emails_after_insert AFTER INSERT ON users BEGIN
  INSERT INTO user_emails (user_id, value, type, is_primary)
  SELECT NEW.id, json_extract(e.value, '$.value'), json_extract(e.value, '$.type'),
         coalesce(json_extract(e.value, '$.primary'), 0)
  FROM json_each(NEW.doc, '$.emails') AS e
  WHERE json_type(e.value, '$.value') = 'text';
END;
--> statement-breakpoint
CREATE TRIGGER users_emails_after_update AFTER UPDATE OF doc ON users BEGIN
  DELETE FROM user_emails WHERE user_id = OLD.id;
  INSERT INTO user_emails (user_id, value, type, is_primary)
  SELECT NEW.id, json_extract(e.value, '$.value'), json_extract(e.value, '$.type'),
         coalesce(json_extract(e.value, '$.primary'), 0)
  FROM json_each(NEW.doc, '$.emails') AS e
  WHERE json_type(e.value, '$.value') = 'text';
END;
--> statement-breakpoint
CREATE TRIGGER users_emails_after_delete AFTER DELETE ON users BEGIN
  DELETE FROM user_emails WHERE user_id = OLD.id;
END;
