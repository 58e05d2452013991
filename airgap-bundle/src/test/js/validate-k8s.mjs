// Validates Kubernetes objects (a JSON array in the file named by argv[2]) with kubernetes-models 5.x:
// each object is built as its model class (by apiVersion and kind) and validated against the API's JSON schema
// (types, enums, required fields). Prints "validated N, skipped M (kinds)" and exits 1 on the first invalid object,
// 2 when an object's kind has no model and is not in the allowed list of custom resources.
import { readFileSync } from "node:fs";

const CUSTOM = new Set(["monitoring.coreos.com/v1/ServiceMonitor"]);
const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
let validated = 0;
const skipped = new Set();
for (const o of objects) {
  const id = `${o.apiVersion}/${o.kind}`;
  let model;
  try {
    model = await import(`kubernetes-models/${o.apiVersion}/${o.kind}`);
  } catch (e) {
    if (CUSTOM.has(id)) {
      skipped.add(id);
      continue;
    }
    console.error(`no kubernetes-models class for ${id} (${o.metadata?.name}): ${e.message}`);
    process.exit(2);
  }
  const Cls = model[o.kind] ?? model.default;
  try {
    new Cls(o).validate();
  } catch (e) {
    console.error(`invalid ${id} ${o.metadata?.name}: ${e.message}`);
    process.exit(1);
  }
  validated++;
}
console.log(`validated ${validated}, skipped ${skipped.size ? [...skipped].join(",") : "none"}`);
