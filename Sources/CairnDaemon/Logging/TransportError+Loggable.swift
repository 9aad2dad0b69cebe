import CairnCrypto
import CairnTransport
import Logging

/// Transport failures happen before or around the TLS record layer, where no record exists in
/// clear: OpenSSL's own words stay (they say why a handshake failed), escaped by the handler.
extension TransportError: LoggableError {
    var logCode: String { "transport.\(metricCode)" }

    var logFields: Logger.Metadata {
        switch self {
        case .setupFailed(let step, let openSSL): return ["error.step": "\(step)", "error.openssl": "\(openSSL)"]
        case .protocolVersionRefused(let offered, let openSSL):
            return ["error.offered": "\(offered ?? "unknown")", "error.openssl": "\(openSSL)"]
        case .applicationProtocolNotOffered(let offered): return ["error.offered": "\(offered.joined(separator: ","))"]
        case .applicationProtocolNotNegotiated(let selected, let openSSL):
            return ["error.selected": "\(selected ?? "none")", "error.openssl": "\(openSSL)"]
        case .peerCertificateMissing(let openSSL), .handshakeFailed(let openSSL), .recordLayerFailed(let openSSL):
            return ["error.openssl": "\(openSSL)"]
        case .peerKeyRefused(let keyType): return ["error.key_type": "\(keyType)"]
        case .handshakeTimedOut(let ms), .idleTimeout(let ms): return ["error.ms": "\(ms)"]
        case .bufferLimitExceeded(let what, let limit): return ["error.what": "\(what)", "error.limit": "\(limit)"]
        case .frameTooLarge(let length, let limit): return ["error.bytes": "\(length)", "error.limit": "\(limit)"]
        case .notEstablished, .connectionClosed, .invalidOptions: return [:]
        }
    }
}

/// libsodium refusals name a length or a failed check, never the bytes.
extension CryptoError: LoggableError {
    var logCode: String {
        switch self {
        case .initializationFailed: return "crypto.initialization_failed"
        case .invalidLength: return "crypto.invalid_length"
        case .authenticationFailed: return "crypto.authentication_failed"
        case .keyDerivationFailed: return "crypto.key_derivation_failed"
        }
    }

    var logFields: Logger.Metadata {
        guard case .invalidLength(let what, let expected, let actual) = self else { return [:] }
        return ["error.what": "\(what)", "error.expected": "\(expected)", "error.bytes": "\(actual)"]
    }
}
