// Smoke check that the interop packages load and the host answers: node smoke.mjs (GUARD_URL set by the .NET test).
import OpenAI from "openai";

const url = process.env.GUARD_URL;
if (!url) throw new Error("GUARD_URL is not set");
const res = await fetch(new URL("/healthz", url));
if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
if (typeof OpenAI !== "function") throw new Error("openai SDK did not load");
console.log("interop smoke: ok");
