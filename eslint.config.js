// Lint rules for `npm run lint`: the recommended sets of ESLint, typescript-eslint and React's hooks
// plugin, nothing added. Formatting is Prettier's job (.prettierrc.json), so no style rules here.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "public/build/", "app/generated/", "tmp/", "node_modules/", ".cache/", "data/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    ...reactHooks.configs.flat.recommended,
  },
  {
    // A leading underscore marks a name left unused on purpose (fields dropped by destructuring).
    rules: { "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }] },
  },
);
