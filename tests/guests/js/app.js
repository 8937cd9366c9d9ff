// A WASI command in JavaScript, built with `jco componentize`
// (StarlingMonkey): it reads its arguments, environment and a file in a
// preopened directory, writes stdout, stderr and a file, and uses the
// clocks and random numbers, all through WASI.
import { getArguments, getEnvironment } from 'wasi:cli/environment@0.2.12';
import { exit } from 'wasi:cli/exit@0.2.12';
import { getDirectories } from 'wasi:filesystem/preopens@0.2.12';
import { now as monotonicNow } from 'wasi:clocks/monotonic-clock@0.2.12';
import { now as wallNow } from 'wasi:clocks/wall-clock@0.2.12';
import { getRandomBytes } from 'wasi:random/random@0.2.12';
import { subscribeDuration } from 'wasi:clocks/monotonic-clock@0.2.12';
import { poll } from 'wasi:io/poll@0.2.12';

function preopen(name) {
  const found = getDirectories().find(([, path]) => path === name);
  return found ? found[0] : null;
}

function readFile(dir, path) {
  const fd = dir.openAt({ symlinkFollow: true }, path, {}, { read: true });
  const chunks = [];
  let offset = 0n;
  for (;;) {
    const [bytes, eof] = fd.read(4096n, offset);
    chunks.push(bytes);
    offset += BigInt(bytes.length);
    if (eof || bytes.length === 0) break;
  }
  return new TextDecoder().decode(concat(chunks));
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function report(args) {
  console.log('args: ' + args.map((a) => `[${a}]`).join(' '));
  const env = new Map(getEnvironment());
  console.log('GREETING=' + (env.get('GREETING') ?? '(unset)'));
  const data = preopen('/data');
  let text;
  try {
    if (!data) throw 'no-entry';
    text = readFile(data, 'input.txt');
  } catch (e) {
    console.error(`cannot open /data/input.txt: ${e.payload ?? e}`);
    return 2;
  }
  const lines = text.split('\n').slice(0, -1).map((l) => l + '\n');
  console.log('first line: ' + lines[0].trimEnd());
  console.log(`input.txt: ${lines.length} lines, ${new TextEncoder().encode(text).length} bytes`);
  try {
    const out = data.openAt({}, 'out.txt', { create: true, truncate: true }, { write: true });
    out.write(new TextEncoder().encode(`${lines.length} lines\n`), 0n);
    console.log('wrote out.txt');
  } catch (e) {
    console.log(`cannot write out.txt: ${e.payload ?? e}`);
  }
  const t0 = monotonicNow();
  const t1 = monotonicNow();
  console.log('monotonic clock: ' + (t1 >= t0 ? 'ok' : 'went back'));
  console.log('wall clock: ' + (wallNow().seconds > 1700000000n ? 'after 2023' : 'wrong'));
  const rnd = getRandomBytes(16n);
  console.log(`random: ${rnd.length} bytes, ` + (rnd.some((b) => b !== 0) ? 'not all zero' : 'all zero'));
  console.error('report done');
  return 0;
}

// Waits on clocks: one pollable alone, then the first ready of two.
function sleep() {
  const t0 = monotonicNow();
  subscribeDuration(20_000_000n).block();
  const slept = monotonicNow() - t0;
  const ready = poll([subscribeDuration(5_000_000_000n), subscribeDuration(1_000_000n)]);
  console.log(`slept at least 20ms: ${slept >= 20_000_000n}`);
  console.log(`ready: [${Array.from(ready).join(', ')}]`);
  return 0;
}

export const run = {
  run() {
    const args = getArguments();
    const mode = args[1] ?? 'report';
    let status;
    if (mode === 'report') status = report(args);
    else if (mode === 'exit') status = Number(args[2]);
    else if (mode === 'sleep') status = sleep();
    else {
      console.error(`unknown mode ${mode}`);
      status = 64;
    }
    if (status !== 0) exit({ tag: 'err' });
  },
};
