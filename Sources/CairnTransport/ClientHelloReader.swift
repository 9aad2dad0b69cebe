import COpenSSL

/// Reads the versions and ALPN protocols a ClientHello offers, inside OpenSSL's ClientHello
/// callback, so that a refusal can say exactly what the peer offered.
struct ClientHelloReader {
    /// The `SSL` whose ClientHello is being processed.
    let ssl: OpaquePointer

    private static let supportedVersionsExtension: UInt32 = 43
    private static let alpnExtension: UInt32 = 16

    /// Every version offered: the supported_versions extension when present (TLS 1.3 clients),
    /// else the legacy version field. GREASE values are skipped.
    var offeredVersions: [UInt16] {
        guard let body = extensionBody(Self.supportedVersionsExtension), let count = body.first else {
            return [UInt16(truncatingIfNeeded: SSL_client_hello_get0_legacy_version(ssl))]
        }
        var versions: [UInt16] = []
        let end = min(body.count, 1 + Int(count))
        var index = 1
        while index + 1 < end {
            let version = UInt16(body[index]) << 8 | UInt16(body[index + 1])
            if version & 0x0F0F != 0x0A0A { versions.append(version) }
            index += 2
        }
        return versions
    }

    /// The ALPN protocol names offered, in order; empty when the extension is absent.
    var offeredProtocols: [String] {
        guard let body = extensionBody(Self.alpnExtension), body.count >= 2 else { return [] }
        var names: [String] = []
        var index = 2
        while index < body.count {
            let length = Int(body[index])
            guard index + 1 + length <= body.count else { break }
            names.append(String(decoding: body[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += 1 + length
        }
        return names
    }

    /// A readable name for a protocol version number.
    static func name(ofVersion version: UInt16) -> String {
        switch version {
        case 0x0300: return "SSL 3.0"
        case 0x0301: return "TLS 1.0"
        case 0x0302: return "TLS 1.1"
        case 0x0303: return "TLS 1.2"
        case 0x0304: return "TLS 1.3"
        default: return "protocol version 0x" + String(version, radix: 16)
        }
    }

    private func extensionBody(_ type: UInt32) -> [UInt8]? {
        var data: UnsafePointer<UInt8>?
        var length = 0
        guard SSL_client_hello_get0_ext(ssl, type, &data, &length) == 1, let data else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }
}
