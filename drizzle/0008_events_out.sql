-- Issue 19, events out: endpoints, the tenant's SET signing keys, the events derived from the
-- outbox, their deliveries and attempts, and RFC 8936 poll positions. Additive only: code deployed
-- before this migration never reads these tables, and the consumer skips them until they exist.
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`format` text NOT NULL,
	`events` text,
	`secret` text,
	`issuer` text NOT NULL,
	`created` text NOT NULL,
	`disabled_at` text,
	`failing_since` text
);
--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`private_jwk` text NOT NULL,
	`public_jwk` text NOT NULL,
	`created` text NOT NULL,
	`retired_at` text
);
--> statement-breakpoint
CREATE TABLE `security_events` (
	`id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`external_id` text,
	`payload` text NOT NULL,
	`created` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `security_events_seq` ON `security_events` (`seq`);--> statement-breakpoint
CREATE INDEX `security_events_created` ON `security_events` (`created`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`event_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`seq` integer NOT NULL,
	`resource_id` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`created` text NOT NULL,
	`delivered_at` text,
	`last_status` integer,
	`last_error` text,
	PRIMARY KEY(`event_id`, `webhook_id`)
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_order` ON `webhook_deliveries` (`webhook_id`,`resource_id`,`seq`) WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX `webhook_deliveries_recent` ON `webhook_deliveries` (`webhook_id`,`created`);--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`webhook_id` text NOT NULL,
	`event_id` text NOT NULL,
	`at` text NOT NULL,
	`status` integer,
	`latency_ms` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_webhook_at` ON `webhook_attempts` (`webhook_id`,`at`);--> statement-breakpoint
CREATE INDEX `webhook_attempts_at` ON `webhook_attempts` (`at`);--> statement-breakpoint
CREATE TABLE `poll_streams` (
	`id` text PRIMARY KEY NOT NULL,
	`acked_seq` integer DEFAULT 0 NOT NULL,
	`updated` text NOT NULL
);
