-- Admin console sessions (issue 9): only the SHA-256 of the session id is stored. A session is
-- good while it has not expired AND the admin token it was opened with is still current, so
-- rotating the admin token ends every session opened with the old one.
CREATE TABLE `console_sessions` (
	`hash` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`created` text NOT NULL,
	`expires` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `console_sessions_expires` ON `console_sessions` (`expires`);
