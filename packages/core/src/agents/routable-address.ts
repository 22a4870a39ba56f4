// Which addresses the control plane may connect to in production mode: never loopback, link-local, cloud
// metadata or other non-routable space, in any IPv4, IPv6, IPv4-mapped, NAT64 or 6to4 spelling. Private
// ranges (10/8, 172.16/12, 192.168/16, fc00::/7) stay allowed: agents in the team's own network live there.
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const blockedV4 = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, including 169.254.169.254 (instance metadata)
  ["100.100.100.200", 32], // Alibaba Cloud metadata
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255
] as const)
  blockedV4.addSubnet(network, prefix, "ipv4");

const blockedV6 = new BlockList();
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fe80::", 10], // link-local
  ["fd00:ec2::254", 128], // AWS instance metadata over IPv6
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
  ["100::", 64], // discard
] as const)
  blockedV6.addSubnet(network, prefix, "ipv6");

/** True when `address` (an IP literal) must not be connected to in production mode. */
export function isNonRoutable(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(ip) === 4) return blockedV4.check(ip, "ipv4");
  if (isIP(ip) !== 6) return true;
  const embedded = embeddedIPv4(ip);
  if (embedded !== undefined) return blockedV4.check(embedded, "ipv4");
  return blockedV6.check(ip, "ipv6");
}

/** The IPv4 address inside an IPv4-mapped/compatible (::ffff:a.b.c.d, ::a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
function embeddedIPv4(ip: string): string | undefined {
  const words = expand(ip);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 5) && (words[5] === 0xffff || words[5] === 0) && !(words[5] === 0 && zeros(5, 7) && words[7]! <= 1))
    return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && words[2] === 1) return v4(words[6]!, words[7]!); // local-use NAT64 (RFC 8215)
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (a dotted IPv4 tail included). */
function expand(ip: string): number[] {
  let text = ip.split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(":").map((w) => parseInt(w, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...fill, ...right];
}

/** Resolves a host name to its addresses (all families); injectable so tests can answer with any address. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Names that always mean the local machine or a metadata service, whatever DNS says. */
const BLOCKED_NAMES = new Set(["localhost", "metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"]);

/**
 * Refuses a host that is, or resolves to, a non-routable address; returns why, or undefined when every
 * address may be reached. A trailing dot (fully qualified form) names the same host.
 */
export async function unreachableReason(hostname: string, resolver: HostResolver): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.+$/, "");
  if (BLOCKED_NAMES.has(host) || host.endsWith(".localhost")) return `${host} is a local or metadata host name`;
  if (isIP(host)) return isNonRoutable(host) ? `${host} is a loopback, link-local, metadata or non-routable address` : undefined;
  let addresses: string[];
  try {
    addresses = await resolver(host);
  } catch {
    return undefined; // the connection attempt reports the name error itself
  }
  const bad = addresses.find(isNonRoutable);
  return bad ? `${host} resolves to ${bad}, a loopback, link-local, metadata or non-routable address` : undefined;
}
