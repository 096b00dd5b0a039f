import { BlockList, isIP } from "node:net";

// Which addresses a destination may resolve to. Link-local (169.254.0.0/16, where clouds serve
// instance metadata and credentials, and fe80::/10) and the metadata host names are refused
// always; loopback and private ranges only when ALLOW_PRIVATE_DESTINATIONS is on (on by default
// with the embedded database, so a laptop can forward to localhost). Checked when a destination
// is added and again at every send, on the address actually connected to (DNS can change).

const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "metadata.goog", "instance-data", "instance-data.ec2.internal"]);

const alwaysRefused = new BlockList();
alwaysRefused.addSubnet("169.254.0.0", 16, "ipv4");
alwaysRefused.addSubnet("fe80::", 10, "ipv6");
alwaysRefused.addAddress("fd00:ec2::254", "ipv6"); // AWS's IPv6 metadata endpoint

const privateRanges = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  privateRanges.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["ff00::", 8],
] as const)
  privateRanges.addSubnet(net, prefix, "ipv6");

export class RefusedDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusedDestinationError";
  }
}

export function assertAllowedHost(hostname: string): void {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (METADATA_HOSTS.has(name)) throw new RefusedDestinationError(`${hostname} is a cloud metadata address`);
}

/** Throws RefusedDestinationError for an address a destination may not use. */
export function assertAllowedAddress(address: string, allowPrivate: boolean): void {
  const { ip, family } = normalize(address);
  if (!family) throw new RefusedDestinationError(`${address} is not an IP address`);
  if (alwaysRefused.check(ip, family)) throw new RefusedDestinationError(`${address} is a link-local or metadata address`);
  if (!allowPrivate && privateRanges.check(ip, family)) {
    throw new RefusedDestinationError(`${address} is a loopback or private address (set ALLOW_PRIVATE_DESTINATIONS=1 to allow it)`);
  }
}

/** IPv4-mapped IPv6 (::ffff:169.254.169.254) is checked as the IPv4 address it is. */
function normalize(address: string): { ip: string; family: "ipv4" | "ipv6" | null } {
  const bare = address.replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  const ip = mapped ? mapped[1] : bare;
  const version = isIP(ip);
  return { ip, family: version === 4 ? "ipv4" : version === 6 ? "ipv6" : null };
}
