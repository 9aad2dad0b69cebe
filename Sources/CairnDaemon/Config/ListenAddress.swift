import Foundation

/// A `HOST:PORT` address (IPv6 hosts in brackets), for `sync.listen` and `[peers]`.
///
/// The host must be an IP address in its usual form (a dotted quad; IPv6 as `inet_pton` reads
/// it, with an optional `%zone`) or a host name of letters, digits and hyphens: what the
/// resolver can bind or dial. Anything else (a space, `127.1`, `999.1.1.1`, `-x`) is refused
/// here, by the same code that `--check-config` and start-up run, rather than by the resolver
/// once the daemon is already starting.
struct ListenAddress: Equatable {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard case .success(let address) = Self.parse(text) else { return nil }
        self = address
    }

    private init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The address, or a sentence saying what is wrong with it.
    static func parse(_ text: String) -> Result<ListenAddress, ListenAddressProblem> {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(.init("an IPv6 host needs its closing bracket and a port, as in \"[::1]:7401\""))
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
            guard isIPv6(hostPart) else { return .failure(.init("\"\(hostPart)\" in brackets is not an IPv6 address")) }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(.init("no port: expected HOST:PORT such as \"127.0.0.1:7401\" or \"[::1]:7401\""))
            }
            hostPart = text[..<colon]
            // An IPv6 address must be bracketed, or its last group would read as the port.
            guard !hostPart.contains(":") else {
                return .failure(.init("an IPv6 address must be in brackets, as in \"[::1]:7401\""))
            }
            portPart = text[text.index(after: colon)...]
            if let problem = hostProblem(hostPart) { return .failure(problem) }
        }
        guard !portPart.isEmpty, portPart.utf8.count <= 5, portPart.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let port = Int(portPart), (1...65535).contains(port)
        else {
            return .failure(.init("the port \"\(portPart)\" is not a number from 1 to 65535"))
        }
        return .success(ListenAddress(host: String(hostPart), port: port))
    }

    /// Why an unbracketed host is refused, or nil when it is an IPv4 address or a host name.
    private static func hostProblem(_ host: Substring) -> ListenAddressProblem? {
        guard !host.isEmpty else { return .init("the host is empty: expected HOST:PORT such as \"127.0.0.1:7401\"") }
        let bytes = Array(host.utf8)
        if bytes.allSatisfy({ $0 == 0x2e || (0x30...0x39).contains($0) }) {
            var address = in_addr()
            guard inet_pton(AF_INET, String(host), &address) == 1 else {
                return .init("\"\(host)\" is not an IPv4 address (four numbers from 0 to 255, as in 127.0.0.1)")
            }
            return nil
        }
        guard bytes.count <= 253 else { return .init("the host name is longer than 253 characters") }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            let utf8 = Array(label.utf8)
            let allowed = utf8.allSatisfy { isLetterOrDigit($0) || $0 == 0x2d }
            guard !utf8.isEmpty, utf8.count <= 63, allowed, utf8.first != 0x2d, utf8.last != 0x2d else {
                return .init(
                    "\"\(host)\" is not an IP address or a host name (letters, digits and inner hyphens in dot-separated labels; no spaces)")
            }
        }
        return nil
    }

    private static func isIPv6(_ host: Substring) -> Bool {
        let parts = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            let zone = Array(parts[1].utf8)
            guard !zone.isEmpty, zone.count <= 15, zone.allSatisfy({ isLetterOrDigit($0) || $0 == 0x2d || $0 == 0x2e || $0 == 0x5f })
            else { return false }
        }
        var address = in6_addr()
        return inet_pton(AF_INET6, String(parts[0]), &address) == 1
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
    }
}

/// What is wrong with a `HOST:PORT` text: a sentence for the configuration's reader.
struct ListenAddressProblem: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
