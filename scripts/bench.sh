#!/usr/bin/env bash
# Benchmarks (timing goals live here, not in tests). Builds first if needed.
#   scripts/bench.sh [ROWS]   default 1,000,000 rows
# Prints: native `enrich validate` time, and the wasm module's load (decode + parse + map + validate)
# under Node, on a generated export of ROWS rows (2% invalid emails, realistic column set).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
[ -x build/native/enrich ] && [ -f build/web/enricher.js ] || scripts/build.sh
data=build/bench/prospects-$ROWS.csv
mkdir -p build/bench
if [ ! -f "$data" ]; then
  python3 - "$ROWS" "$data" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", newline="") as f:
    f.write("First Name,Last Name,Title,Company,Email,Email Status,Person Linkedin Url,Website,City\n")
    for i in range(n):
        email = f"user{i}@company{i % 997}.com" if i % 50 else f"broken{i}"
        f.write(f'First{i},Last{i},"Head of Sales, EMEA",Company {i % 997},{email},Verified,'
                f"http://www.linkedin.com/in/user-{i},company{i % 997}.com,\"Berlin, DE\"\n")
PY
fi
size=$(stat -c %s "$data")
echo "input: $data ($ROWS rows, $((size / 1000000)) MB)"

t0=$(date +%s.%N)
build/native/enrich validate "$data" > /dev/null || true
t1=$(date +%s.%N)
echo "native enrich validate: $(echo "$t1 - $t0" | bc) s"

node --no-experimental-fetch - "$data" <<'JS'
const fs = require('fs');
const createEnricher = require(process.cwd() + '/build/web/enricher.js');
createEnricher().then((M) => {
  const bytes = fs.readFileSync(process.argv[2]);
  const s = new M.Session();
  const t0 = process.hrtime.bigint();
  const st = JSON.parse(s.load(bytes, { encoding: 'auto', delimiter: 'auto', batchSize: 50 }));
  const t1 = process.hrtime.bigint();
  const ms = Number(t1 - t0) / 1e6;
  console.log('wasm load+validate (node): ' + ms.toFixed(0) + ' ms for ' + st.summary.rows + ' rows (' +
    (bytes.length / 1e6 / (ms / 1000)).toFixed(1) + ' MB/s); valid ' + st.summary.valid + ', invalid ' + st.summary.invalid);
});
JS
