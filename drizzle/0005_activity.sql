CREATE TABLE `activity` (
	`id` text PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`query` text,
	`status` integer NOT NULL,
	`scim_type` text,
	`detail` text,
	`reason` text,
	`duration_ms` integer NOT NULL,
	`op` text NOT NULL,
	`resource_type` text,
	`resource_id` text,
	`user_name` text COLLATE NOCASE,
	`external_id` text,
	`display_name` text COLLATE NOCASE,
	`token_id` text,
	`changes` text,
	`request` text,
	`request_bytes` integer
);
--> statement-breakpoint
CREATE INDEX `activity_at` ON `activity` (`at`,`status`);--> statement-breakpoint
CREATE INDEX `activity_failures` ON `activity` (`at`,`reason`) WHERE status >= 400;--> statement-breakpoint
CREATE INDEX `activity_resource` ON `activity` (`resource_id`,`at`);--> statement-breakpoint
CREATE INDEX `activity_user_name` ON `activity` (`user_name`,`at`);--> statement-breakpoint
CREATE INDEX `activity_external_id` ON `activity` (`external_id`,`at`);--> statement-breakpoint
CREATE INDEX `activity_display_name` ON `activity` (`display_name`,`at`);--> statement-breakpoint
CREATE INDEX `activity_token` ON `activity` (`token_id`,`at`);--> statement-breakpoint
CREATE TABLE `activity_noise` (
	`id` text PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `activity_noise_at` ON `activity_noise` (`at`);
