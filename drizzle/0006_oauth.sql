-- Issue 11: OAuth 2.0 client credentials and workload identity federation (src/oauth/).
-- Only hashes of client secrets and access tokens are stored. Timestamps are ISO-8601 UTC text.
CREATE TABLE `oauth_clients` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created` text NOT NULL,
	`expires` text NOT NULL,
	`last_used` text,
	`revoked` text
);
--> statement-breakpoint
CREATE TABLE `oauth_federations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`issuer` text NOT NULL,
	`subject` text NOT NULL,
	`audience` text NOT NULL,
	`jwks_url` text NOT NULL,
	`created` text NOT NULL,
	`last_used` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `oauth_federations_issuer_subject` ON `oauth_federations` (`issuer`,`subject`);--> statement-breakpoint
CREATE TABLE `oauth_access_tokens` (
	`hash` text PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`grant_kind` text NOT NULL,
	`grant_id` text NOT NULL,
	`created` text NOT NULL,
	`expires` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `oauth_access_tokens_expires` ON `oauth_access_tokens` (`expires`);--> statement-breakpoint
CREATE TABLE `oauth_assertion_ids` (
	`issuer` text NOT NULL,
	`jti` text NOT NULL,
	`expires` text NOT NULL,
	PRIMARY KEY(`issuer`, `jti`)
);
--> statement-breakpoint
CREATE INDEX `oauth_assertion_ids_expires` ON `oauth_assertion_ids` (`expires`);
