// The official openai npm SDK against GuardCluster's /v1/moderations, unchanged but for baseURL and key.
// Run by tests/GuardCluster.Gateway.Tests/Interop/OpenAiNodeSdkTests.cs (node --test) with GUARD_URL and
// GUARD_TENANT_KEY set to a real host and a tenant created on it.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

const url = process.env.GUARD_URL;
const key = process.env.GUARD_TENANT_KEY;
if (!url || !key) throw new Error("GUARD_URL and GUARD_TENANT_KEY must be set");
const baseURL = new URL("/v1", url).toString();

// No retries: a refused request must surface as the SDK's exception at once.
const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0 });
const violent = "I am going to kill you.";

function assertOpenAiResult(result) {
  assert.equal(typeof result.flagged, "boolean");
  for (const name of ["harassment", "hate", "illicit/violent", "self-harm/intent", "sexual/minors", "violence", "violence/graphic"]) {
    assert.equal(typeof result.categories[name], "boolean", `categories.${name}`);
    const score = result.category_scores[name];
    assert.ok(typeof score === "number" && score >= 0 && score <= 1, `category_scores.${name} = ${score}`);
    assert.deepEqual(result.category_applied_input_types[name], ["text"], `category_applied_input_types.${name}`);
  }
}

test("a string is one input", async () => {
  const response = await client.moderations.create({ model: "omni-moderation-latest", input: violent });
  assert.match(response.id, /^modr-/);
  assert.ok(response.model.length > 0);
  assert.equal(response.results.length, 1);
  assertOpenAiResult(response.results[0]);
  assert.equal(response.results[0].flagged, true);
  assert.equal(response.results[0].categories.violence, true);
  assert.ok(response.results[0].category_scores.violence > 0);
});

test("an array of strings is one result per string, in order", async () => {
  const response = await client.moderations.create({ input: ["Have a nice day!", violent] });
  assert.equal(response.results.length, 2);
  response.results.forEach(assertOpenAiResult);
  assert.equal(response.results[0].flagged, false);
  assert.equal(response.results[1].flagged, true);
  // A safe input still gets probabilities, not zeros.
  assert.ok(response.results[0].category_scores.violence > 0, JSON.stringify(response.results[0].category_scores));
  assert.ok(response.results[0].category_scores.violence < response.results[1].category_scores.violence);
});

test("an array of content parts is one input judged together", async () => {
  const response = await client.moderations.create({
    input: [{ type: "text", text: "Have a nice day!" }, { type: "text", text: violent }],
  });
  assert.equal(response.results.length, 1);
  assertOpenAiResult(response.results[0]);
  assert.equal(response.results[0].flagged, true);
});

test("an image part raises BadRequestError naming the part", async () => {
  const error = await client.moderations
    .create({ input: [{ type: "text", text: "hi" }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }] })
    .then(() => assert.fail("no error"), (e) => e);
  assert.ok(error instanceof OpenAI.BadRequestError, `${error?.constructor?.name}: ${error}`);
  assert.equal(error.status, 400);
  assert.equal(error.code, "image_not_supported");
  assert.equal(error.param, "input[1]");
  assert.equal(error.type, "invalid_request_error");
  assert.match(error.message, /images are not supported/);
});

test("an unknown field raises BadRequestError with our code", async () => {
  const error = await client.moderations.create({ input: "hi", user: "u-1" }).then(() => assert.fail("no error"), (e) => e);
  assert.ok(error instanceof OpenAI.BadRequestError, `${error?.constructor?.name}: ${error}`);
  assert.equal(error.code, "unknown_field");
  assert.equal(error.param, "user");
});

test("a wrong key raises AuthenticationError", async () => {
  const wrong = new OpenAI({ apiKey: "gck.nobody.wrong-secret", baseURL, maxRetries: 0 });
  const error = await wrong.moderations.create({ input: "hi" }).then(() => assert.fail("no error"), (e) => e);
  assert.ok(error instanceof OpenAI.AuthenticationError, `${error?.constructor?.name}: ${error}`);
  assert.equal(error.status, 401);
  assert.equal(error.code, "invalid_api_key");
});

test("too many inputs raises an APIError with status 413", async () => {
  const error = await client.moderations
    .create({ input: Array.from({ length: 1000 }, () => "a") })
    .then(() => assert.fail("no error"), (e) => e);
  assert.ok(error instanceof OpenAI.APIError, `${error?.constructor?.name}: ${error}`);
  assert.equal(error.status, 413);
  assert.equal(error.code, "too_many_inputs");
  assert.equal(error.param, "input");
});
