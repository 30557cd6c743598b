/**
 * A small pickle virtual machine for PyTorch checkpoints: the opcodes of protocols 0 to 5 that plain
 * data and `torch.save` use, a memo, persistent ids, and hooks that turn `GLOBAL`s into values. No
 * Python code ever runs: an unknown global becomes a {@linkcode PickleGlobal} and calling it builds
 * an inert {@linkcode PickleObject}.
 *
 * Python values map to JavaScript as: `None` -> `null`, `bool` -> boolean, `int` -> number (bigint
 * beyond 2^53), `float` -> number, `str` -> string, `bytes`/`bytearray` -> `Uint8Array`, `list` ->
 * array, `tuple` -> frozen array, `dict` -> `Map`, `set`/`frozenset` -> `Set`.
 *
 * @module
 */

/** A class or function named by a `GLOBAL` (or `STACK_GLOBAL`) opcode that no hook resolved. */
export class PickleGlobal {
  /**
   * @param module The Python module, e.g. `collections`.
   * @param name The qualified name inside the module, e.g. `OrderedDict`.
   */
  constructor(readonly module: string, readonly name: string) {}

  /** `module.name`, as Python would print it. */
  toString(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An object built by calling (REDUCE, NEWOBJ, OBJ, INST) a {@linkcode PickleGlobal}. */
export class PickleObject {
  /** The state passed by `BUILD`, if any. */
  state: unknown = undefined;
  /**
   * @param callable The class or function that was called.
   * @param args The positional arguments of the call.
   * @param kwargs Keyword arguments (only `NEWOBJ_EX` has them).
   */
  constructor(
    readonly callable: PickleGlobal,
    readonly args: readonly unknown[],
    readonly kwargs: Map<unknown, unknown> = new Map(),
  ) {}
}

/** Key under which `BUILD` stores its state on objects that are not {@linkcode PickleObject}s. */
export const PICKLE_STATE: unique symbol = Symbol("pickle state");

/** A JavaScript function that a `GLOBAL` resolves to; the VM calls it with the pickled arguments. */
export type PickleCallable = (...args: unknown[]) => unknown;

/** Options of {@linkcode unpickle}. */
export interface UnpickleOptions {
  /**
   * Resolves `module`/`name` of a `GLOBAL` to a value; a function is called by `REDUCE` and
   * `NEWOBJ`. Returning `undefined` keeps the inert {@linkcode PickleGlobal}.
   * @default {() => undefined}
   */
  findClass?: (module: string, name: string) => unknown;
  /**
   * Resolves a persistent id (`PERSID`, `BINPERSID`) to a value. Without it, persistent ids are
   * an error.
   * @default {undefined}
   */
  persistentLoad?: (pid: unknown) => unknown;
  /**
   * Name used in error messages.
   * @default {"pickle"}
   */
  source?: string;
}

const HIGHEST_PROTOCOL = 5;

/**
 * Runs a pickle program and returns the object it builds.
 *
 * @param bytes The pickle stream (it may continue after `STOP`; the rest is ignored).
 * @param options See {@linkcode UnpickleOptions}.
 * @returns The unpickled value.
 * @throws {SyntaxError} On an unknown or unsupported opcode (naming the byte and its offset), a
 * truncated stream, or a malformed stack.
 *
 * @example A protocol 2 dict `{"a": 1}`
 * ```ts
 * import { unpickle } from "./_pickle.ts";
 * // pickle.dumps({"a": 1}, protocol=2)
 * const bytes = new Uint8Array([
 *   0x80, 0x02, 0x7d, 0x71, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x4b, 0x01,
 *   0x73, 0x2e,
 * ]);
 * const value = unpickle(bytes) as Map<string, number>;
 * if (value.get("a") !== 1) throw new Error("wrong value");
 * ```
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): unknown {
  return new Unpickler(bytes, options).run();
}

class Unpickler {
  position = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #findClass: (module: string, name: string) => unknown;
  readonly #persistentLoad: ((pid: unknown) => unknown) | undefined;
  readonly #source: string;
  #stack: unknown[] = [];
  readonly #metastack: unknown[][] = [];
  readonly #memo = new Map<number, unknown>();
  #opcodeOffset = 0;

  constructor(bytes: Uint8Array, options: UnpickleOptions) {
    const { findClass = () => undefined, persistentLoad, source = "pickle" } = options;
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#findClass = findClass;
    this.#persistentLoad = persistentLoad;
    this.#source = source;
  }

  #fail(message: string): never {
    throw new SyntaxError(
      `Cannot unpickle ${this.#source}: ${message} (opcode at byte offset ${this.#opcodeOffset})`,
    );
  }

  #need(n: number): number {
    const at = this.position;
    if (at + n > this.#bytes.length) {
      this.#fail(`the stream ends at byte ${this.#bytes.length}, needed ${n} more bytes at ${at}`);
    }
    this.position = at + n;
    return at;
  }

  #u8(): number {
    return this.#bytes[this.#need(1)]!;
  }
  #u16(): number {
    return this.#view.getUint16(this.#need(2), true);
  }
  #u32(): number {
    return this.#view.getUint32(this.#need(4), true);
  }
  #i32(): number {
    return this.#view.getInt32(this.#need(4), true);
  }
  #u64(): number {
    const value = this.#view.getBigUint64(this.#need(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.#fail(`length ${value} is too large`);
    return Number(value);
  }
  #take(n: number): Uint8Array {
    const at = this.#need(n);
    return this.#bytes.subarray(at, at + n);
  }
  #line(): string {
    const start = this.position;
    const end = this.#bytes.indexOf(0x0a, start);
    if (end < 0) this.#fail("the stream ends inside a text line");
    this.position = end + 1;
    return latin1(this.#bytes.subarray(start, end));
  }

  /** Pushes after evaluating `value`, which may itself pop a MARK and switch stacks. */
  #push(value: unknown): void {
    this.#stack.push(value);
  }
  #pop(): unknown {
    if (this.#stack.length === 0) this.#fail("pop from an empty stack");
    return this.#stack.pop();
  }
  #top(): unknown {
    if (this.#stack.length === 0) this.#fail("the stack is empty");
    return this.#stack[this.#stack.length - 1];
  }
  #popMark(): unknown[] {
    const items = this.#stack;
    const previous = this.#metastack.pop();
    if (previous === undefined) this.#fail("no MARK on the stack");
    this.#stack = previous;
    return items;
  }
  #memoGet(key: number): unknown {
    if (!this.#memo.has(key)) this.#fail(`memo key ${key} was never stored`);
    return this.#memo.get(key);
  }
  #global(module: string, name: string): unknown {
    const found = this.#findClass(module, name);
    return found === undefined ? new PickleGlobal(module, name) : found;
  }
  #call(callable: unknown, args: unknown[], kwargs?: Map<unknown, unknown>): unknown {
    if (typeof callable === "function") return (callable as PickleCallable)(...args);
    if (callable instanceof PickleGlobal) return new PickleObject(callable, args, kwargs);
    this.#fail(`cannot call a value of type ${describe(callable)}`);
  }
  #setItems(target: unknown, items: unknown[]): void {
    if (!(target instanceof Map)) this.#fail(`cannot set items on ${describe(target)}`);
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  }
  #append(target: unknown, items: unknown[]): void {
    if (Array.isArray(target) && !Object.isFrozen(target)) {
      for (const item of items) target.push(item);
    } else if (target instanceof PickleObject) {
      const list = (target.state ??= []) as unknown[];
      for (const item of items) list.push(item);
    } else {
      this.#fail(`cannot append to ${describe(target)}`);
    }
  }
  #persistent(pid: unknown): unknown {
    if (this.#persistentLoad === undefined) {
      this.#fail("found a persistent id but no persistentLoad was given");
    }
    return this.#persistentLoad(pid);
  }

  run(): unknown {
    const bytes = this.#bytes;
    while (true) {
      this.#opcodeOffset = this.position;
      if (this.position >= bytes.length) this.#fail("the stream ends before STOP");
      // In bounds: checked on the line above.
      const op = bytes[this.position++]!;
      switch (op) {
        case 0x80: { // PROTO
          const protocol = this.#u8();
          if (protocol > HIGHEST_PROTOCOL) this.#fail(`unsupported pickle protocol ${protocol}`);
          break;
        }
        case 0x95: // FRAME
          this.#u64();
          break;
        case 0x2e: // STOP
          return this.#pop();
        case 0x28: // MARK
          this.#metastack.push(this.#stack);
          this.#stack = [];
          break;
        case 0x30: // POP
          if (this.#stack.length === 0) this.#popMark();
          else this.#stack.pop();
          break;
        case 0x31: // POP_MARK
          this.#popMark();
          break;
        case 0x32: // DUP
          this.#push(this.#top());
          break;
        case 0x4e: // NONE
          this.#push(null);
          break;
        case 0x88: // NEWTRUE
          this.#push(true);
          break;
        case 0x89: // NEWFALSE
          this.#push(false);
          break;
        case 0x4a: // BININT
          this.#push(this.#i32());
          break;
        case 0x4b: // BININT1
          this.#push(this.#u8());
          break;
        case 0x4d: // BININT2
          this.#push(this.#u16());
          break;
        case 0x8a: // LONG1
          this.#push(decodeLong(this.#take(this.#u8())));
          break;
        case 0x8b: { // LONG4
          const n = this.#i32();
          if (n < 0) this.#fail("negative LONG4 length");
          this.#push(decodeLong(this.#take(n)));
          break;
        }
        case 0x49: { // INT (text)
          const text = this.#line();
          if (text === "00") this.#push(false);
          else if (text === "01") this.#push(true);
          else this.#push(parseIntText(text, () => this.#fail(`bad INT '${text}'`)));
          break;
        }
        case 0x4c: { // LONG (text)
          const text = this.#line().replace(/L$/, "");
          this.#push(parseIntText(text, () => this.#fail(`bad LONG '${text}'`)));
          break;
        }
        case 0x46: // FLOAT (text)
          this.#push(Number.parseFloat(this.#line()));
          break;
        case 0x47: // BINFLOAT (big-endian)
          this.#push(this.#view.getFloat64(this.#need(8), false));
          break;
        case 0x58: // BINUNICODE
          this.#push(utf8(this.#take(this.#u32())));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.#push(utf8(this.#take(this.#u8())));
          break;
        case 0x8d: // BINUNICODE8
          this.#push(utf8(this.#take(this.#u64())));
          break;
        case 0x56: // UNICODE (raw-unicode-escape text)
          this.#push(rawUnicodeEscape(this.#line()));
          break;
        case 0x53: { // STRING (quoted text)
          const text = this.#line();
          const quote = text[0];
          if ((quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
            this.#fail("STRING without quotes");
          }
          this.#push(text.slice(1, -1));
          break;
        }
        case 0x54: { // BINSTRING
          const n = this.#i32();
          if (n < 0) this.#fail("negative BINSTRING length");
          this.#push(latin1(this.#take(n)));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          this.#push(latin1(this.#take(this.#u8())));
          break;
        case 0x42: // BINBYTES
          this.#push(this.#take(this.#u32()).slice());
          break;
        case 0x43: // SHORT_BINBYTES
          this.#push(this.#take(this.#u8()).slice());
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.#push(this.#take(this.#u64()).slice());
          break;
        case 0x29: // EMPTY_TUPLE
          this.#push(Object.freeze([]));
          break;
        case 0x85: // TUPLE1
          this.#push(Object.freeze([this.#pop()]));
          break;
        case 0x86: { // TUPLE2
          const b = this.#pop();
          const a = this.#pop();
          this.#push(Object.freeze([a, b]));
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.#pop();
          const b = this.#pop();
          const a = this.#pop();
          this.#push(Object.freeze([a, b, c]));
          break;
        }
        case 0x74: // TUPLE
          this.#push(Object.freeze(this.#popMark()));
          break;
        case 0x5d: // EMPTY_LIST
          this.#push([]);
          break;
        case 0x6c: // LIST
          this.#push(this.#popMark());
          break;
        case 0x61: { // APPEND
          const item = this.#pop();
          this.#append(this.#top(), [item]);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.#popMark();
          this.#append(this.#top(), items);
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.#push(new Map());
          break;
        case 0x64: { // DICT
          const dict = new Map();
          this.#setItems(dict, this.#popMark());
          this.#push(dict);
          break;
        }
        case 0x73: { // SETITEM
          const value = this.#pop();
          const key = this.#pop();
          this.#setItems(this.#top(), [key, value]);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.#popMark();
          this.#setItems(this.#top(), items);
          break;
        }
        case 0x8f: // EMPTY_SET
          this.#push(new Set());
          break;
        case 0x90: { // ADDITEMS
          const items = this.#popMark();
          const target = this.#top();
          if (!(target instanceof Set)) this.#fail(`cannot add items to ${describe(target)}`);
          for (const item of items) target.add(item);
          break;
        }
        case 0x91: // FROZENSET
          this.#push(new Set(this.#popMark()));
          break;
        case 0x63: { // GLOBAL
          const module = this.#line();
          const name = this.#line();
          this.#push(this.#global(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.#pop();
          const module = this.#pop();
          if (typeof module !== "string" || typeof name !== "string") {
            this.#fail("STACK_GLOBAL needs two strings");
          }
          this.#push(this.#global(module, name));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.#pop();
          const callable = this.#pop();
          if (!Array.isArray(args)) {
            this.#fail(`REDUCE arguments are ${describe(args)}, not a tuple`);
          }
          this.#push(this.#call(callable, args));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.#pop();
          const cls = this.#pop();
          if (!Array.isArray(args)) {
            this.#fail(`NEWOBJ arguments are ${describe(args)}, not a tuple`);
          }
          this.#push(this.#call(cls, args));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.#pop();
          const args = this.#pop();
          const cls = this.#pop();
          if (!Array.isArray(args) || !(kwargs instanceof Map)) this.#fail("malformed NEWOBJ_EX");
          this.#push(this.#call(cls, args, kwargs));
          break;
        }
        case 0x6f: { // OBJ
          const items = this.#popMark();
          if (items.length === 0) this.#fail("OBJ without a class");
          this.#push(this.#call(items[0], items.slice(1)));
          break;
        }
        case 0x69: { // INST
          const module = this.#line();
          const name = this.#line();
          this.#push(this.#call(this.#global(module, name), this.#popMark()));
          break;
        }
        case 0x62: { // BUILD
          const state = this.#pop();
          const target = this.#top();
          if (target instanceof PickleObject) target.state = state;
          else if (typeof target === "object" && target !== null) {
            (target as { [PICKLE_STATE]?: unknown })[PICKLE_STATE] = state;
          } else this.#fail(`cannot BUILD ${describe(target)}`);
          break;
        }
        case 0x51: // BINPERSID
          this.#push(this.#persistent(this.#pop()));
          break;
        case 0x50: // PERSID
          this.#push(this.#persistent(this.#line()));
          break;
        case 0x68: // BINGET
          this.#push(this.#memoGet(this.#u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.#push(this.#memoGet(this.#u32()));
          break;
        case 0x67: // GET
          this.#push(this.#memoGet(Number.parseInt(this.#line(), 10)));
          break;
        case 0x71: // BINPUT
          this.#memo.set(this.#u8(), this.#top());
          break;
        case 0x72: // LONG_BINPUT
          this.#memo.set(this.#u32(), this.#top());
          break;
        case 0x70: // PUT
          this.#memo.set(Number.parseInt(this.#line(), 10), this.#top());
          break;
        case 0x94: // MEMOIZE
          this.#memo.set(this.#memo.size, this.#top());
          break;
        default:
          this.#fail(
            `unknown or unsupported opcode 0x${op.toString(16).padStart(2, "0")}` +
              (op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : ""),
          );
      }
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "None";
  if (value instanceof PickleGlobal) return `global ${value}`;
  if (value instanceof PickleObject) return `a ${value.callable} object`;
  if (Array.isArray(value)) return Object.isFrozen(value) ? "a tuple" : "a list";
  if (value instanceof Map) return "a dict";
  return typeof value;
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function rawUnicodeEscape(text: string): string {
  return text.replace(
    /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
    (_, short?: string, long?: string) => String.fromCodePoint(Number.parseInt(short ?? long!, 16)),
  );
}

function parseIntText(text: string, onError: () => never): number | bigint {
  if (!/^[+-]?\d+$/.test(text.trim())) onError();
  const value = BigInt(text.trim());
  return toSafe(value);
}

function toSafe(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Two's-complement little-endian integer of LONG1/LONG4. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return toSafe(value);
}
