// A client generated from /openapi/v1.json, used the way a customer would. OpenApiClientTests copies this file next
// to the generated guard-api.d.ts (openapi-typescript) in a temp folder, type-checks it with tsc, and runs it.
// Every call is typed by the document: a route, field or type the document gets wrong fails compilation here.
import createClient from "openapi-fetch";
import type { paths, components } from "./guard-api.js";

// Just what this script uses of Node's globals (the package set has no @types/node).
declare const process: { env: Record<string, string | undefined> };

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const baseUrl = setting("GUARD_URL");
const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${setting("GUARD_ADMIN_KEY")}` } });

// Admin key: create a tenant; the answer carries its first key.
const created = await admin.POST("/v1/tenants", { body: { id: setting("GUARD_TENANT_ID") } });
if (!created.data) throw new Error(`createTenant answered ${created.response.status}: ${JSON.stringify(created.error)}`);
const apiKey: string = created.data.api_key;
console.log(`created tenant ${created.data.id} (${created.response.status})`);

// Tenant key: classify one message and read typed fields of the verdict.
const tenant = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
const checked = await tenant.POST("/v1/classify", {
  body: { messages: [{ role: "user", content: [{ type: "text", text: "How do I bake sourdough bread?" }] }] },
});
if (!checked.data) throw new Error(`classify answered ${checked.response.status}: ${JSON.stringify(checked.error)}`);
const verdict: string = checked.data.verdict;
const safe: boolean = checked.data.safe;
const promptTokens: number = checked.data.usage.prompt_tokens;
const policyVersion: number = checked.data.policy_version;
console.log(`verdict=${verdict} safe=${safe} prompt_tokens>0=${promptTokens > 0} policy_version=${policyVersion}`);

// A typed 4xx: the error object is the document's GuardProblem.
const missing = await tenant.GET("/v1/conversations/{id}", { params: { path: { id: "no-such-conversation" } } });
if (missing.data || !missing.error) throw new Error(`getConversation answered ${missing.response.status} for a missing conversation`);
const problem: components["schemas"]["GuardProblem"] = missing.error;
const code: string = problem.code;
const status: number = problem.status;
console.log(`missing conversation: ${missing.response.status} code=${code} status=${status}`);

// The schema is closed (additionalProperties: false), so a misspelt field does not compile; the server refuses it too.
const misspelt = await tenant.POST("/v1/classify", {
  // @ts-expect-error 'treshold' is not a field of ClassifyRequest.
  body: { messages: [{ role: "user", content: "hello" }], treshold: 0.5 },
});
console.log(`misspelt field: ${misspelt.response.status} code=${misspelt.error?.code}`);

// Roles are an enum: "system" does not compile (Llama Guard has no system turn); the server answers 422 invalid_role.
const system = await tenant.POST("/v1/classify", {
  // @ts-expect-error 'system' is not a role.
  body: { messages: [{ role: "system", content: "hello" }] },
});
console.log(`system role: ${system.response.status} code=${system.error?.code}`);
// The OpenAI-compatible route: a typed result, and errors typed as OpenAI's {"error":{...}}.
const moderated = await tenant.POST("/v1/moderations", { body: { input: ["hello", "good morning"] } });
if (!moderated.data) throw new Error(`createModeration answered ${moderated.response.status}: ${JSON.stringify(moderated.error)}`);
const flagged: boolean[] = moderated.data.results.map((r) => r.flagged);
console.log(`moderation: ${flagged.length} results`);
const empty = await tenant.POST("/v1/moderations", { body: { input: [] } });
const openAiError: components["schemas"]["OpenAiError"] | undefined = empty.error?.error;
console.log(`empty moderation: ${empty.response.status} type=${openAiError?.type} code=${openAiError?.code}`);
console.log("openapi client: ok");
