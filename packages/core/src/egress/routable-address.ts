// Which addresses the control plane may connect to in production mode: never loopback, link-local, cloud
// metadata or other non-routable space, in any IPv4, IPv6, IPv4-mapped, NAT64, 6to4 or Teredo spelling. Private
// ranges (10/8, 172.16/12, 192.168/16, fc00::/7) and shared address space (100.64/10) stay allowed: agents in the
// team's own network live there.
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const blockedV4 = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network", including the unspecified 0.0.0.0
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, including 169.254.169.254 (instance metadata)
  ["100.100.100.200", 32], // Alibaba Cloud metadata
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast (deprecated)
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and the broadcast 255.255.255.255
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
  ["3fff::", 20], // documentation (RFC 9637)
  ["2001:10::", 28], // ORCHID (deprecated)
  ["2001:20::", 28], // ORCHIDv2
  ["100::", 64], // discard
] as const)
  blockedV6.addSubnet(network, prefix, "ipv6");

/** True when `address` (an IP literal, brackets allowed) must not be connected to in production mode; anything else is refused too. */
export function isNonRoutable(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(ip) === 4) return blockedV4.check(ip, "ipv4");
  if (isIP(ip) !== 6) return true;
  if (embeddedIPv4(ip).some((v4) => blockedV4.check(v4, "ipv4"))) return true;
  return blockedV6.check(ip, "ipv6");
}

/**
 * The IPv4 addresses an IPv6 address leads to: IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo
 * (2001::/32: its server and its obfuscated client).
 */
function embeddedIPv4(ip: string): string[] {
  const words = expand(ip);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  const [w0, w1, w2, w3, , w5, w6, w7] = words as [number, number, number, number, number, number, number, number];
  if (zeros(0, 5) && w5 === 0xffff) return [v4(w6, w7)];
  if (zeros(0, 4) && words[4] === 0xffff && w5 === 0) return [v4(w6, w7)];
  if (zeros(0, 6) && (w6 !== 0 || w7 > 1)) return [v4(w6, w7)]; // :: and ::1 are checked as IPv6
  if (w0 === 0x64 && w1 === 0xff9b && (zeros(2, 6) || w2 === 1)) return [v4(w6, w7)];
  if (w0 === 0x2002) return [v4(w1, w2)];
  if (w0 === 0x2001 && w1 === 0) return [v4(w2, w3), v4(w6 ^ 0xffff, w7 ^ 0xffff)];
  return [];
}

/** The eight 16-bit words of an IPv6 address (a dotted IPv4 tail and a zone index allowed). */
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

/** A URL's host as it is compared: no IPv6 brackets, lower case, no trailing dots (the fully qualified form names the same host). */
export function comparableHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/\.+$/, "");
}

/** Names that always mean the local machine or a metadata service, whatever DNS says. */
const LOCAL_OR_METADATA_NAMES = new Set([
  "localhost",
  "metadata.google.internal",
  "metadata",
  "instance-data",
  "instance-data.ec2.internal",
]);

/**
 * Why a host is refused by its text alone (an IP literal that is non-routable, or a local or metadata name), or
 * undefined. A name that passes must still be resolved and its every address checked before a connection.
 */
export function hostRefusal(hostname: string, refuses: (address: string) => boolean = isNonRoutable): string | undefined {
  const host = comparableHost(hostname);
  if (LOCAL_OR_METADATA_NAMES.has(host) || host.endsWith(".localhost")) return `${host} is a local or metadata host name`;
  if (isIP(host) && refuses(host)) return `${host} is a loopback, link-local, metadata or non-routable address`;
  return undefined;
}

/** Resolves a host name to its addresses (all families); injectable so tests can answer with any address. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
