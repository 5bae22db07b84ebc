CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`member_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `member_id`)
);
--> statement-breakpoint
CREATE INDEX `group_members_member` ON `group_members` (`member_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`display_name` text COLLATE NOCASE NOT NULL,
	`external_id` text,
	`source` text DEFAULT 'scim' NOT NULL,
	`doc` text NOT NULL,
	`version` integer NOT NULL,
	`created` text NOT NULL,
	`last_modified` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_display_name` ON `groups` (`display_name`);--> statement-breakpoint
CREATE INDEX `groups_external_id` ON `groups` (`external_id`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`scope` text NOT NULL,
	`hash` text NOT NULL,
	`created` text NOT NULL,
	`revoked` text
);
--> statement-breakpoint
CREATE TABLE `user_emails` (
	`user_id` text NOT NULL,
	`value` text COLLATE NOCASE NOT NULL,
	`type` text,
	`is_primary` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `user_emails_value` ON `user_emails` (`value`);--> statement-breakpoint
CREATE INDEX `user_emails_user` ON `user_emails` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`user_name` text COLLATE NOCASE NOT NULL,
	`external_id` text,
	`display_name` text COLLATE NOCASE,
	`active` integer NOT NULL,
	`source` text DEFAULT 'scim' NOT NULL,
	`doc` text NOT NULL,
	`version` integer NOT NULL,
	`created` text NOT NULL,
	`last_modified` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_user_name` ON `users` (`user_name`);--> statement-breakpoint
CREATE INDEX `users_external_id` ON `users` (`external_id`);--> statement-breakpoint
CREATE INDEX `users_created` ON `users` (`created`);