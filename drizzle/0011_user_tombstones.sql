CREATE TABLE `user_tombstones` (
	`id` text PRIMARY KEY NOT NULL,
	`user_name` text COLLATE NOCASE NOT NULL,
	`external_id` text,
	`display_name` text COLLATE NOCASE,
	`source` text NOT NULL,
	`doc` text NOT NULL,
	`created` text NOT NULL,
	`deleted` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `user_tombstones_user_name` ON `user_tombstones` (`user_name`);--> statement-breakpoint
CREATE INDEX `user_tombstones_deleted` ON `user_tombstones` (`deleted`);