// Starts fauxqs bound to 127.0.0.1 only. Its startFauxqs() always listens on 0.0.0.0 (its host
// option only changes the host in queue URLs), so this builds the same app with buildApp() and
// listens itself. Environment: FAUXQS_MODULE (path of fauxqs/dist/app.js), FAUXQS_PORT,
// FAUXQS_LOGGER=true for request logs. Prints one JSON line {"listening": "<url>"} when ready.
import { pathToFileURL } from "node:url";

const { buildApp } = await import(pathToFileURL(process.env.FAUXQS_MODULE).href);
const app = buildApp({ logger: process.env.FAUXQS_LOGGER === "true" });
const address = await app.listen({ port: Number(process.env.FAUXQS_PORT ?? 0), host: "127.0.0.1" });
console.log(JSON.stringify({ listening: address }));

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    await app.close();
    process.exit(0);
  });
}
