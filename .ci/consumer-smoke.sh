#!/usr/bin/env bash
# Consumer smoke test: flatline as a user gets it. Packs the package once, installs the tarball into
# a fresh CommonJS and a fresh ESM project under /tmp, and in each: flatline init + run (the starter
# passes), the README's snippets (files marked ```ts file=PATH) written and run (scenarios with
# flatline run, the vitest test with the matchers), --subject against a registered subject, plain
# node importing the DSL, and tsc --noEmit --strict over the project.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/flatline-consumer.XXXXXX)"
trap 'rm -rf "$work"' EXIT
step() { printf '\n== %s\n' "$*"; }

step "npm pack (builds dist/)"
tarball="$work/$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -1)"
files="$(tar -tzf "$tarball" | wc -l)"
echo "$tarball: $files files"
if tar -tzf "$tarball" | grep -E '\.test\.|^package/(test|bench|harness)/'; then echo "the package ships tests or sources"; exit 1; fi

# The README's file snippets: ```ts file=PATH ... ``` written under the project.
write_snippets() {
  node -e '
    const fs = require("fs"), path = require("path");
    const readme = fs.readFileSync(process.argv[1], "utf8");
    const blocks = [...readme.matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)];
    if (blocks.length === 0) throw new Error("no README snippets found");
    for (const [, file, body] of blocks) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, body);
      console.log("  snippet", file);
    }' "$repo/README.md"
}

for type in commonjs module; do
  project="$work/$type"
  mkdir -p "$project" && cd "$project"
  step "$type project: npm init, npm install the tarball"
  npm init -y >/dev/null
  npm pkg set type="$type"
  # the versions this repository tests with: a new major elsewhere must not turn CI red
  npm install --no-audit --no-fund --loglevel=error "$tarball" vitest@^4.1 typescript@~5.9 @types/node@^20 >/dev/null

  step "$type: flatline init && flatline run"
  npx flatline init
  npx flatline run --reporter json
  node -e 'const r = require("./reports/results.json"); if (r.summary.pass !== 1 || r.runs[0].subject !== "example") { console.error(r.summary); process.exit(1); }'

  step "$type: the README's snippets"
  write_snippets
  npx flatline run --reporter json
  npx vitest run --reporter=dot

  step "$type: --subject runs the gallery's cases against a registered subject"
  # in two worker processes: each imports the --setup module before it plans the gallery's files
  code=0
  npx flatline run --subject tuned-tcp --setup flatline/tuned-tcp.ts --filter gallery --workers 2 --reporter json --out reports/subject || code=$?
  [ "$code" -le 1 ] || { echo "flatline run --subject exited $code"; exit 1; }
  node -e 'const r = require("./reports/subject/results.json"); if (r.runs.length !== 6 || r.runs.some((x) => x.subject !== "tuned-tcp" || x.status === "error")) { console.error(r.runs.map((x) => [x.id, x.status, x.error])); process.exit(1); }'

  step "$type: plain node imports the DSL"
  node --input-type=module -e 'import { defineScenario, validateScenario } from "flatline"; validateScenario(defineScenario({ name: "n", subject: { kind: "tcp" }, timeline: [], checks: [{ check: "keepalive", window: "1m" }], horizon: "2m" }));'
  node -e 'const { validateScenario } = require("flatline"); try { validateScenario({ name: "n", horizn: "1m" }, "x.ts"); process.exit(1); } catch (e) { if (!/did you mean "horizon"/.test(e.message)) throw e; }'

  step "$type: tsc --noEmit --strict"
  cat > tsconfig.json <<'JSON'
{
  "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "types": ["node"], "skipLibCheck": false },
  "include": ["**/*.ts"],
  "exclude": ["node_modules"]
}
JSON
  npx tsc --noEmit --strict -p .
done
step "consumer smoke test passed"
