-- Named admins, setup links, sign-ins in flight, Entra tenants and OpenID providers (docs/people.md);
-- admin API keys get a name, a reach (read or write) and their last use; a console session says
-- whether it is bound to a key or to a person. Additive: older code reads none of it.
CREATE TABLE `admins` (
	`id` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`provider` text NOT NULL,
	`issuer` text NOT NULL,
	`subject` text NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`created` text NOT NULL,
	`last_sign_in` text,
	`removed` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admins_identity` ON `admins` (`issuer`,`subject`);--> statement-breakpoint
CREATE TABLE `entra_tenants` (
	`tid` text PRIMARY KEY NOT NULL,
	`added` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `setup_links` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`role` text NOT NULL,
	`email` text,
	`created` text NOT NULL,
	`expires` text NOT NULL,
	`created_by` text NOT NULL,
	`used` text,
	`used_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `setup_links_hash` ON `setup_links` (`hash`);--> statement-breakpoint
CREATE TABLE `signin_flows` (
	`hash` text PRIMARY KEY NOT NULL,
	`browser` text NOT NULL,
	`provider` text NOT NULL,
	`nonce` text NOT NULL,
	`verifier` text NOT NULL,
	`link_id` text,
	`expires` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `signin_flows_expires` ON `signin_flows` (`expires`);--> statement-breakpoint
CREATE TABLE `signin_providers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`issuer` text NOT NULL,
	`client_id` text NOT NULL,
	`client_secret` text,
	`created` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `console_sessions` ADD `kind` text DEFAULT 'key' NOT NULL;--> statement-breakpoint
ALTER TABLE `tokens` ADD `name` text;--> statement-breakpoint
ALTER TABLE `tokens` ADD `access` text DEFAULT 'write' NOT NULL;--> statement-breakpoint
ALTER TABLE `tokens` ADD `last_used` text;