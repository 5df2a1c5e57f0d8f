// ESLint for the site's own scripts (casebook/render/assets/): the recommended rules, ES modules
// in the browser, and the search worker as a classic script in a worker.
import js from "@eslint/js";

const browser = { window: "readonly", document: "readonly", location: "readonly", history: "readonly",
  console: "readonly", setTimeout: "readonly", URL: "readonly", URLSearchParams: "readonly",
  IntersectionObserver: "readonly", MutationObserver: "readonly", CustomEvent: "readonly" };

export default [
  js.configs.recommended,
  {
    files: ["casebook/render/assets/*.js"],
    ignores: ["casebook/render/assets/search.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: browser },
  },
  {
    files: ["casebook/render/assets/search.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script",
      globals: { self: "readonly", console: "readonly", URL: "readonly", Intl: "readonly" } },
  },
];
