import NIOCore

/// The "source" that the admission gate and the aggregated audit count by: the remote IPv4
/// address, or the /64 network of an IPv6 address (one host is usually given a whole /64, so
/// counting single IPv6 addresses would let it appear as billions of sources). An IPv4 address
/// mapped into IPv6 (a dual-stack listener) counts as the IPv4 address. The port never counts.
enum AdmissionSource {
    /// What is counted when the remote address is unknown (the connection already closed).
    static let unknown = "unknown"

    static func key(_ address: SocketAddress?) -> String {
        guard let address else { return unknown }
        switch address {
        case .v4:
            return address.ipAddress ?? unknown
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            return key(ipv6: bytes) ?? unknown
        case .unixDomainSocket:
            return unknown
        }
    }

    /// The key of a configured peer's host, when it is an IP literal (names are learnt from the
    /// address a dial reached).
    static func key(host: String) -> String? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard let address = try? SocketAddress(ipAddress: bare, port: 0) else {
            // Not an IP literal (a host name): harmless, the dialer learns its address.
            return nil
        }
        return key(address)
    }

    /// 16 address bytes: the IPv4 address for a mapped one, else the /64 network.
    static func key(ipv6 bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return nil }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12...].map { String($0) }.joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
