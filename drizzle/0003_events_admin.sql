CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_resource_at` ON `audit_log` (`resource_type`,`at`);--> statement-breakpoint
CREATE INDEX `audit_action_at` ON `audit_log` (`action`,`at`);--> statement-breakpoint
CREATE TABLE `custom_attributes` (
	`name` text COLLATE NOCASE PRIMARY KEY NOT NULL,
	`type` text DEFAULT 'IdP' NOT NULL,
	`created` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`created` text NOT NULL,
	`sent` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `mail_created` ON `mail_outbox` (`created`);--> statement-breakpoint
CREATE UNIQUE INDEX `mail_user` ON `mail_outbox` (`user_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`created` text NOT NULL,
	`delivered` text,
	`attempts` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_undelivered` ON `outbox` (`delivered`,`created`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `users` ADD `managed_apple_id` text COLLATE NOCASE;--> statement-breakpoint
ALTER TABLE `users` ADD `ldap_attributes` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_managed_apple_id` ON `users` (`managed_apple_id`);