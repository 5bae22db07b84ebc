-- Issue 19, endpoint-scoped RFC 8936 poll tokens: each one polls one endpoint's events. Only the
-- SHA-256 of the token is kept. Additive only: older code never reads this table.
CREATE TABLE `poll_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`hash` text NOT NULL,
	`created` text NOT NULL,
	`revoked` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_tokens_hash` ON `poll_tokens` (`hash`);--> statement-breakpoint
CREATE INDEX `poll_tokens_webhook` ON `poll_tokens` (`webhook_id`);
