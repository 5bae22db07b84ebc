CREATE TABLE `role_dirty` (
	`user_id` text PRIMARY KEY NOT NULL,
	`mark` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `role_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`started` text NOT NULL,
	`total` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `role_rules` (
	`precedence` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`match` text NOT NULL,
	`role_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `role_rules_match` ON `role_rules` (`kind`,`match`);--> statement-breakpoint
CREATE TABLE `tenant_roles` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text,
	`contains` text DEFAULT '[]' NOT NULL,
	`is_default` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `user_roles` (
	`user_id` text PRIMARY KEY NOT NULL,
	`roles` text NOT NULL,
	`reasons` text NOT NULL,
	`computed` text NOT NULL
);
--> statement-breakpoint
-- Roles (docs/roles.md): every change that can move a user's effective roles marks the user in
-- role_dirty in the same transaction; the Queue consumer recomputes them (src/roles/recompute.ts).
-- A membership row of a group no rule names, or a tenant with no roles, costs one index probe.
CREATE TRIGGER role_dirty_member_added AFTER INSERT ON group_members
WHEN EXISTS (SELECT 1 FROM role_rules WHERE kind = 'group' AND match = NEW.group_id) BEGIN
  INSERT INTO role_dirty (user_id, mark) VALUES (NEW.member_id, abs(random() % 9007199254740992))
  ON CONFLICT (user_id) DO UPDATE SET mark = abs(random() % 9007199254740992);
END;
--> statement-breakpoint
CREATE TRIGGER role_dirty_member_removed AFTER DELETE ON group_members
WHEN EXISTS (SELECT 1 FROM role_rules WHERE kind = 'group' AND match = OLD.group_id) BEGIN
  INSERT INTO role_dirty (user_id, mark) VALUES (OLD.member_id, abs(random() % 9007199254740992))
  ON CONFLICT (user_id) DO UPDATE SET mark = abs(random() % 9007199254740992);
END;
--> statement-breakpoint
CREATE TRIGGER role_dirty_user_added AFTER INSERT ON users
WHEN EXISTS (SELECT 1 FROM tenant_roles) BEGIN
  INSERT INTO role_dirty (user_id, mark) VALUES (NEW.id, abs(random() % 9007199254740992))
  ON CONFLICT (user_id) DO UPDATE SET mark = abs(random() % 9007199254740992);
END;
--> statement-breakpoint
CREATE TRIGGER role_dirty_user_changed AFTER UPDATE OF active, doc ON users
WHEN EXISTS (SELECT 1 FROM tenant_roles)
  AND (OLD.active IS NOT NEW.active OR json_extract(OLD.doc, '$.roles') IS NOT json_extract(NEW.doc, '$.roles')) BEGIN
  INSERT INTO role_dirty (user_id, mark) VALUES (NEW.id, abs(random() % 9007199254740992))
  ON CONFLICT (user_id) DO UPDATE SET mark = abs(random() % 9007199254740992);
END;
--> statement-breakpoint
CREATE TRIGGER role_user_deleted AFTER DELETE ON users
WHEN EXISTS (SELECT 1 FROM user_roles WHERE user_id = OLD.id) BEGIN
  -- The recompute finds the user gone and removes the stored roles (no event: user.hard_deleted says it).
  INSERT INTO role_dirty (user_id, mark) VALUES (OLD.id, abs(random() % 9007199254740992))
  ON CONFLICT (user_id) DO UPDATE SET mark = abs(random() % 9007199254740992);
END;
