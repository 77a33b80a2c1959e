// A DNS server for tests on 127.0.0.1: answers A queries from a table the test changes, NXDOMAIN for other names.
import * as dgram from 'dgram';

const TYPE_A = 1;
const CLASS_IN = 1;
const RCODE_NXDOMAIN = 3;

/** One question as the stub saw it. */
export interface DnsQuery {
  readonly name: string;
  readonly type: number;
}

/**
 * Answers over UDP only (nginx's resolver asks over UDP), one question per message, with the table's IPv4
 * address as the only answer; a name the table lacks gets NXDOMAIN, and other types of a known name an empty
 * answer. Written for the nginx tests: about 80 lines of RFC 1035 beat a dependency.
 */
export class DnsStub {
  public static async start(): Promise<DnsStub> {
    const socket = dgram.createSocket('udp4');
    const stub = new DnsStub(socket);
    socket.on('message', (message, peer) => {
      const reply = stub.answer(message);
      if (reply) socket.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return stub;
  }

  /** Every question received, in order. */
  public readonly queries: DnsQuery[] = [];
  private readonly records = new Map<string, string>();
  private ttlSeconds = 1;

  private constructor(private readonly socket: dgram.Socket) {}

  /** The UDP port on 127.0.0.1. */
  public get port(): number {
    return this.socket.address().port;
  }

  /** Makes `name` resolve to `address` (IPv4), or to nothing (NXDOMAIN) when `address` is undefined. */
  public set(name: string, address: string | undefined, ttlSeconds = 1): void {
    if (address === undefined) this.records.delete(name.toLowerCase());
    else this.records.set(name.toLowerCase(), address);
    this.ttlSeconds = ttlSeconds;
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(message: Buffer): Buffer | undefined {
    const question = parseQuestion(message);
    if (!question) return undefined;
    this.queries.push({ name: question.name, type: question.type });
    const address = this.records.get(question.name.toLowerCase());
    const answers = address !== undefined && question.type === TYPE_A && question.class === CLASS_IN ? [address] : [];
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2); // the query's id
    const recursionDesired = message[2] & 0x01;
    header[2] = 0x84 | recursionDesired; // a response, authoritative
    header[3] = address === undefined ? RCODE_NXDOMAIN : 0;
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const records = answers.map((a) => {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      record.writeUInt16BE(TYPE_A, 2);
      record.writeUInt16BE(CLASS_IN, 4);
      record.writeUInt32BE(this.ttlSeconds, 6);
      record.writeUInt16BE(4, 10);
      a.split('.').forEach((octet, i) => { record[12 + i] = Number(octet); });
      return record;
    });
    return Buffer.concat([header, message.subarray(12, question.end), ...records]);
  }
}

function parseQuestion(message: Buffer): { name: string; type: number; class: number; end: number } | undefined {
  if (message.length < 12 || (message[2] & 0x80) !== 0 || message.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  for (let hops = 0; hops < 128; hops++) {
    if (offset >= message.length) return undefined;
    const length = message[offset];
    offset += 1;
    if (length === 0) {
      if (offset + 4 > message.length) return undefined;
      return { name: labels.join('.'), type: message.readUInt16BE(offset), class: message.readUInt16BE(offset + 2), end: offset + 4 };
    }
    if (length > 63 || offset + length > message.length) return undefined;
    labels.push(message.toString('latin1', offset, offset + length));
    offset += length;
  }
  return undefined;
}
