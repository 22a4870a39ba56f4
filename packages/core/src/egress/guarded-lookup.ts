// The DNS step of a guarded connection: the host is resolved once, every address is checked, and the socket is
// handed exactly the addresses that were checked, so a second DNS answer (rebinding) can never be connected to.
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { comparableHost, isNonRoutable, type HostResolver } from "./routable-address.js";

/** A connection the production-mode policy does not allow; nothing was sent, and no socket was connected. */
export class EgressRefused extends Error {
  readonly code = "EGRESS_REFUSED";
  override readonly name = "EgressRefused";
}

/**
 * A `lookup` for `net.connect` (and so for http/https agents): resolve with `resolver`, and refuse the host if any of
 * its addresses is one `refuses` names (by default the non-routable ones).
 */
export function guardedLookup(resolver: HostResolver, refuses: (address: string) => boolean = isNonRoutable): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    checkedAddresses(hostname, resolver, refuses).then(
      (checked) => {
        const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
        const usable = family === 4 || family === 6 ? checked.filter((a) => a.family === family) : checked;
        if (usable.length === 0) return callback(notFound(hostname), options.all ? [] : "", undefined);
        if (options.all) return callback(null, usable);
        callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : "", undefined),
    );
  };
}

/** Every address `hostname` resolves to, provided none is non-routable. */
export async function checkedAddresses(
  hostname: string,
  resolver: HostResolver,
  refuses: (address: string) => boolean = isNonRoutable,
): Promise<LookupAddress[]> {
  const addresses = await resolver(hostname);
  const refused = addresses.find((address) => refuses(address));
  if (refused !== undefined) {
    throw new EgressRefused(`${comparableHost(hostname)} resolves to ${refused}, a loopback, link-local, metadata or non-routable address`);
  }
  return addresses.map((address) => ({ address, family: isIP(address) }));
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`no usable address for ${hostname}`), { code: "ENOTFOUND" });
}
