import { describe, expect, it } from "vitest";
import { assertAllowedAddress, assertAllowedHost, RefusedDestinationError } from "./address-policy.ts";

describe("destination address policy", () => {
  it("refuses link-local and metadata addresses even when private ones are allowed", () => {
    for (const address of ["169.254.169.254", "169.254.0.1", "fe80::1", "::ffff:169.254.169.254", "fd00:ec2::254"]) {
      expect(() => assertAllowedAddress(address, true), address).toThrow(RefusedDestinationError);
    }
    expect(() => assertAllowedHost("metadata.google.internal")).toThrow(RefusedDestinationError);
    expect(() => assertAllowedHost("METADATA.GOOGLE.INTERNAL.")).toThrow(RefusedDestinationError);
  });

  it("allows loopback and private addresses only when told to", () => {
    for (const address of ["127.0.0.1", "::1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "fd12::1", "::ffff:127.0.0.1", "0.0.0.0"]) {
      expect(() => assertAllowedAddress(address, false), address).toThrow(/ALLOW_PRIVATE_DESTINATIONS/);
      expect(() => assertAllowedAddress(address, true), address).not.toThrow();
    }
  });

  it("allows public addresses", () => {
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700::1111"]) expect(() => assertAllowedAddress(address, false)).not.toThrow();
    expect(() => assertAllowedHost("hooks.example.com")).not.toThrow();
  });
});
