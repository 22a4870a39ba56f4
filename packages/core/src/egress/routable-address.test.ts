// The address classifier of the production-mode guard: every spelling of a forbidden address is forbidden, and the
// IPv6 forms that lead to an IPv4 address are judged by that address.
import fc from "fast-check";
import { expect, test } from "vitest";
import { hostRefusal, isNonRoutable } from "./routable-address.js";

test.each([
  "127.0.0.1",
  "127.255.0.9",
  "169.254.169.254",
  "0.0.0.0",
  "100.100.100.200",
  "224.0.0.1",
  "255.255.255.255",
  "192.88.99.1",
  "::1",
  "::",
  "fe80::1",
  "fe80::1%eth0",
  "fd00:ec2::254",
  "ff02::1",
  "::ffff:169.254.169.254",
  "::ffff:a9fe:a9fe",
  "::ffff:7f00:1",
  "::ffff:0:127.0.0.1",
  "::127.0.0.1",
  "64:ff9b::169.254.169.254",
  "64:ff9b::a9fe:a9fe",
  "64:ff9b:1::a9fe:a9fe",
  "2002:7f00:1::",
  "2002:a9fe:a9fe::1",
  "2001:0:a9fe:a9fe::1", // Teredo whose server is the metadata address
  "2001:0:5db8:d822:0:0:80ff:fffe", // Teredo whose (obfuscated) client is 127.0.0.1
  "[::ffff:127.0.0.1]",
  "not an address",
])("%s is refused", (address) => {
  expect(isNonRoutable(address)).toBe(true);
});

test.each([
  "10.0.0.5",
  "172.16.3.4",
  "192.168.1.10",
  "100.64.0.1",
  "93.184.216.34",
  "2606:2800:220:1::1",
  "fd12:3456::1",
  "::ffff:93.184.216.34",
  "64:ff9b::5db8:d822",
  "2002:5db8:d822::1",
])("%s may be reached", (address) => {
  expect(isNonRoutable(address)).toBe(false);
});

test("local and metadata names are refused by their text, with or without trailing dots; other names wait for resolution", () => {
  expect(hostRefusal("localhost.")).toMatch(/local or metadata host name/);
  expect(hostRefusal("api.localhost")).toMatch(/local or metadata host name/);
  expect(hostRefusal("INSTANCE-DATA.ec2.internal..")).toMatch(/local or metadata host name/);
  expect(hostRefusal("metadata.google.internal")).toMatch(/local or metadata host name/);
  expect(hostRefusal("[::ffff:169.254.169.254]")).toMatch(/non-routable address/);
  expect(hostRefusal("169.254.169.254.nip.io")).toBeUndefined();
  expect(hostRefusal("agent.example.com")).toBeUndefined();
});

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const dotted = ([a, b, c, d]: number[]) => `${a}.${b}.${c}.${d}`;
const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);

test("every IPv6 spelling of an IPv4 address (mapped, translated, NAT64, 6to4, Teredo) is judged as that address", () => {
  fc.assert(
    fc.property(ipv4, (v4) => {
      const [a, b, c, d] = v4 as [number, number, number, number];
      const expected = isNonRoutable(dotted(v4));
      const forms = [
        `::ffff:${dotted(v4)}`,
        `::ffff:${hex(a, b)}:${hex(c, d)}`,
        `[::FFFF:${dotted(v4)}]`,
        `0:0:0:0:0:ffff:${hex(a, b)}:${hex(c, d)}`,
        `::ffff:0:${dotted(v4)}`,
        `64:ff9b::${dotted(v4)}`,
        `64:ff9b::${hex(a, b)}:${hex(c, d)}`,
        `64:ff9b:1::${hex(a, b)}:${hex(c, d)}`,
        `2002:${hex(a, b)}:${hex(c, d)}::1`,
        `2001:0:5db8:d822::${hex(a ^ 0xff, b ^ 0xff)}:${hex(c ^ 0xff, d ^ 0xff)}`, // Teredo client, server public
      ];
      for (const form of forms) expect([form, isNonRoutable(form)]).toEqual([form, expected]);
    }),
  );
});

test("any address in loopback, link-local, this-network, multicast or reserved IPv4 space is refused in every form", () => {
  const inBlock = (first: fc.Arbitrary<number>, second: fc.Arbitrary<number> = fc.nat(255)) =>
    fc.tuple(first, second, fc.nat(255), fc.nat(255));
  const forbidden = fc.oneof(
    inBlock(fc.constant(127)),
    inBlock(fc.constant(0)),
    inBlock(fc.constant(169), fc.constant(254)),
    inBlock(fc.integer({ min: 224, max: 255 })),
  );
  fc.assert(
    fc.property(forbidden, (v4) => {
      const [a, b, c, d] = v4 as [number, number, number, number];
      for (const form of [dotted(v4), `::ffff:${dotted(v4)}`, `64:ff9b::${hex(a, b)}:${hex(c, d)}`, `2002:${hex(a, b)}:${hex(c, d)}::`])
        expect([form, isNonRoutable(form)]).toEqual([form, true]);
    }),
  );
});

test("an IPv6 address gets the same answer however it is written (compressed, expanded, upper case, bracketed)", () => {
  const words = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 });
  const interesting = fc.oneof(
    words,
    words.map((w) => [0xfe80 | (w[0]! & 0x3f), ...w.slice(1)]), // link-local
    words.map((w) => [0xff00 | (w[0]! & 0xff), ...w.slice(1)]), // multicast
    words.map((w) => [0, 0, 0, 0, 0, 0, w[6]!, w[7]!]), // IPv4-compatible, ::, ::1
    words.map((w) => [0, 0, 0, 0, 0, 0xffff, w[6]!, w[7]!]), // IPv4-mapped
  );
  fc.assert(
    fc.property(interesting, (w) => {
      const expanded = w.map((x) => x.toString(16).padStart(4, "0")).join(":");
      const compressed = new URL(`http://[${expanded}]/`).hostname; // the WHATWG canonical form, brackets included
      const answer = isNonRoutable(expanded);
      expect(isNonRoutable(compressed)).toBe(answer);
      expect(isNonRoutable(expanded.toUpperCase())).toBe(answer);
      expect(isNonRoutable(compressed.slice(1, -1))).toBe(answer);
      if ((w[0]! & 0xffc0) === 0xfe80 || (w[0]! & 0xff00) === 0xff00) expect(answer).toBe(true);
    }),
  );
});
