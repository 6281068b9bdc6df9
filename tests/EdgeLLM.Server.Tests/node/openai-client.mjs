// Drives a live `edgellm serve` with the official OpenAI JavaScript client (the npm package `openai`, pinned in
// tests/prepare.sh and installed into tests/.node/node_modules). Only the loopback address it is given is called.
// Usage: node openai-client.mjs <base-url> <api-key> <node_modules folder holding openai>
// Prints one JSON object with what each call returned; the C# test (OpenAiNodeClientTests) checks the figures.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [baseURL, apiKey, modules] = process.argv.slice(2);
const { default: OpenAI } = await import(pathToFileURL(join(modules, "openai", "index.mjs")).href);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });
const question = [{ role: "user", content: "What is 2+2? Answer briefly." }];
const result = {};

const models = await client.models.list();
result.models = models.data.map((model) => ({ id: model.id, context_length: model.context_length }));

const whole = await client.chat.completions.create({
  model: result.models[0].id, messages: question, temperature: 0, max_tokens: 16, think_budget: 5,
});
result.whole = {
  content: whole.choices[0].message.content,
  reasoning_content: whole.choices[0].message.reasoning_content ?? "",
  finish_reason: whole.choices[0].finish_reason,
  usage: whole.usage,
};

const stream = await client.chat.completions.create({
  model: result.models[0].id, messages: question, temperature: 0, max_tokens: 16, think_budget: 5,
  stream: true, stream_options: { include_usage: true },
});
const streamed = { content: "", reasoning_content: "", finish_reason: null, usage: null, chunks: 0 };
for await (const chunk of stream) {
  streamed.chunks++;
  if (chunk.usage) streamed.usage = chunk.usage;
  for (const choice of chunk.choices) {
    streamed.content += choice.delta.content ?? "";
    streamed.reasoning_content += choice.delta.reasoning_content ?? "";
    if (choice.finish_reason) streamed.finish_reason = choice.finish_reason;
  }
}
result.streamed = streamed;

const none = await client.chat.completions.create({
  model: result.models[0].id, messages: question, temperature: 0, max_tokens: 24, reasoning_format: "none",
});
const text = none.choices[0].message.content;
const stopString = text.substring(Math.floor(text.length / 2), Math.floor(text.length / 2) + 3);
const stopped = await client.chat.completions.create({
  model: result.models[0].id, messages: question, temperature: 0, max_tokens: 24, reasoning_format: "none", stop: [stopString],
});
result.stop = { full: text, stop: stopString, content: stopped.choices[0].message.content, finish_reason: stopped.choices[0].finish_reason };

const completion = await client.completions.create({ model: result.models[0].id, prompt: "Once upon a time", temperature: 0, max_tokens: 4 });
result.completion = { text: completion.choices[0].text, finish_reason: completion.choices[0].finish_reason, usage: completion.usage };

try {
  await client.chat.completions.create({ model: result.models[0].id, messages: [{ role: "robot", content: "x" }] });
  result.badRequest = { status: 200 };
} catch (error) {
  result.badRequest = { status: error.status, type: error.type ?? error.error?.type, message: error.message, name: error.constructor.name };
}

const intruder = new OpenAI({ baseURL, apiKey: "wrong-key", maxRetries: 0, timeout: 60_000 });
try {
  await intruder.models.list();
  result.unauthorized = { status: 200 };
} catch (error) {
  result.unauthorized = { status: error.status, code: error.code, name: error.constructor.name };
}

process.stdout.write(JSON.stringify(result));
