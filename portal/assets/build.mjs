// Copies the agency's third-party assets from node_modules into portal/static/portal/vendor/.
// No CDN: the pages load only files served by the utility's own host (see portal/README.md).
// The output is deterministic (same package versions, same bytes), so the vendored copy that is
// committed never changes unless package.json does.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const modules = join(root, "node_modules");
const out = join(root, "portal", "static", "portal", "vendor");

const version = (pkg) => JSON.parse(readFileSync(join(modules, pkg, "package.json"), "utf8")).version;

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "govbr-ds"), { recursive: true });
mkdirSync(join(out, "fonts"), { recursive: true });

// gov.br design system: styles only (the agency's few behaviours are its own small scripts).
copyFileSync(join(modules, "@govbr-ds/core/dist/core.min.css"), join(out, "govbr-ds", "core.min.css"));
copyFileSync(join(modules, "@govbr-ds/core/LICENSE"), join(out, "govbr-ds", "LICENSE"));

// The design system asks for Rawline, then Raleway. Rawline is not published on npm; Raleway (its
// origin, same metrics) is, self-hosted from @fontsource. Latin covers every pt-BR character.
const weights = ["400", "600", "700"];
let faces = `/* Raleway ${version("@fontsource/raleway")} (SIL OFL 1.1), from @fontsource/raleway */\n`;
for (const weight of weights) {
  const file = `raleway-latin-${weight}-normal.woff2`;
  copyFileSync(join(modules, "@fontsource/raleway/files", file), join(out, "fonts", file));
  faces +=
    `@font-face{font-family:"Raleway";font-style:normal;font-display:swap;font-weight:${weight};` +
    `src:url("${file}") format("woff2");` +
    `unicode-range:U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,` +
    `U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD}\n`;
}
writeFileSync(join(out, "fonts", "raleway.css"), faces);
copyFileSync(join(modules, "@fontsource/raleway/LICENSE"), join(out, "fonts", "LICENSE"));

writeFileSync(
  join(out, "VERSIONS.txt"),
  `@govbr-ds/core ${version("@govbr-ds/core")}\n@fontsource/raleway ${version("@fontsource/raleway")}\n`,
);
console.log(`portal assets -> ${out}`);
