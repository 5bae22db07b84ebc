import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

/** ESLint with typescript-eslint's recommended rules (no type information: fast enough for every `npm test`). */
export default defineConfig(
  { ignores: [".wrangler/", ".tmp/", "node_modules/", "drizzle/", "test/bench/results/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      // `_name` marks a value left unused on purpose; `{ members, ...rest }` drops a key.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The console's progressive enhancement runs in the browser (listed by hand: the `globals`
    // package is not a dependency for one file).
    files: ["src/console/public/**/*.js"],
    languageOptions: {
      globals: Object.fromEntries(
        ["window", "document", "navigator", "setTimeout", "clearTimeout", "FormData", "fetch", "DOMParser", "URL"].map(
          (name) => [name, "readonly"],
        ),
      ),
    },
  },
  {
    // Tests read untyped JSON responses and assert on them; typing each body would add nothing.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
