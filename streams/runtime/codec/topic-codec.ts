/** How record values of one topic become bytes and back. Keys are always UTF-8 strings. */
export interface TopicCodec {
  /** The value, or a promise of it. */
  decode(bytes: Buffer): unknown;
  encode(value: unknown): Promise<Buffer> | Buffer;
}

/** Debezium's JsonConverter with schemas off, and anything else that is plain JSON. */
export const jsonCodec: TopicCodec = {
  decode: (bytes) => JSON.parse(bytes.toString('utf8')) as unknown,
  encode: (value) => Buffer.from(JSON.stringify(value)),
};

/** Leaves the value as text: for processors that parse (and park) malformed input themselves. */
export const textCodec: TopicCodec = {
  decode: (bytes) => bytes.toString('utf8'),
  encode: (value) => Buffer.from(String(value)),
};

export interface Codecs {
  input(topic: string): TopicCodec;
  output(topic: string): TopicCodec;
}
