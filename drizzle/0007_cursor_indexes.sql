-- RFC 9865 cursor pages walk (sort key, id) by keyset: one index per sort key a cursor supports.
-- users.user_name and groups.display_name are unique and have theirs; users_created (created)
-- alone would leave ties on created to a sort.
CREATE INDEX `users_created_id` ON `users` (`created`,`id`);--> statement-breakpoint
CREATE INDEX `users_display_name_id` ON `users` (`display_name`,`id`);--> statement-breakpoint
CREATE INDEX `users_last_modified_id` ON `users` (`last_modified`,`id`);--> statement-breakpoint
CREATE INDEX `groups_created_id` ON `groups` (`created`,`id`);--> statement-breakpoint
CREATE INDEX `groups_last_modified_id` ON `groups` (`last_modified`,`id`);
