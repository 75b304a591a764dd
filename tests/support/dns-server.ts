import { createSocket, type RemoteInfo } from "node:dgram";
import { isIPv4, isIPv6 } from "node:net";
import ipaddr from "ipaddr.js";

// A tiny authoritative DNS server on 127.0.0.1 answering A and AAAA queries from a table, and
// NXDOMAIN for any name it does not hold: real DNS over UDP, so name resolution is tested through the
// resolver Docket uses (DOCKET_WEBHOOK_DNS_SERVERS), not around it.

export type DnsTable = Record<string, string[]>;
export type RunningDns = { address: string; close: () => Promise<void> };

const TYPE_A = 1;
const TYPE_AAAA = 28;

function readName(msg: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = msg[at];
    if (length === undefined) throw new Error("truncated question");
    if (length === 0) return { name: labels.join(".").toLowerCase(), next: at + 1 };
    labels.push(msg.subarray(at + 1, at + 1 + length).toString("latin1"));
    at += 1 + length;
  }
}

function answer(query: Buffer, table: DnsTable): Buffer {
  const { name, next } = readName(query, 12);
  const type = query.readUInt16BE(next);
  const question = query.subarray(12, next + 4);
  const known = Object.hasOwn(table, name);
  const records = (known ? table[name] : []).filter((a) => (type === TYPE_A ? isIPv4(a) : type === TYPE_AAAA ? isIPv6(a) : false));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // Response, authoritative, recursion desired copied, recursion available; NXDOMAIN (3) for unknown names.
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((address) => {
    const data = Buffer.from(ipaddr.parse(address).toByteArray());
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the name in the question
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, question, ...answers]);
}

export function startDnsServer(table: DnsTable): Promise<RunningDns> {
  const lowered: DnsTable = Object.fromEntries(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
  const socket = createSocket("udp4");
  socket.on("message", (msg: Buffer, peer: RemoteInfo) => {
    try {
      socket.send(answer(msg, lowered), peer.port, peer.address);
    } catch {
      // A malformed query gets no answer, as from a real server that drops it.
    }
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      resolve({ address: `127.0.0.1:${port}`, close: () => new Promise((done) => socket.close(() => done())) });
    });
  });
}
