import CairnProtocol
import CairnTransport

extension TransportError {
    /// A stable label for metrics and the audit log.
    var metricCode: String {
        switch self {
        case .setupFailed: return "setup"
        case .protocolVersionRefused: return "protocol_version"
        case .applicationProtocolNotOffered, .applicationProtocolNotNegotiated: return "alpn"
        case .peerCertificateMissing: return "no_certificate"
        case .peerKeyRefused: return "key_type"
        case .handshakeFailed: return "handshake"
        case .handshakeTimedOut: return "handshake_timeout"
        case .recordLayerFailed: return "record_layer"
        case .bufferLimitExceeded: return "buffer_limit"
        case .frameTooLarge: return "frame_too_large"
        case .idleTimeout: return "idle_timeout"
        case .notEstablished: return "not_established"
        case .connectionClosed: return "closed"
        case .invalidOptions: return "options"
        }
    }
}

extension SyncError {
    /// Whether the peer was refused for sending round frames too fast.
    /// Whether the failure is a limit of our own side (our vector), not the peer's doing.
    var isLocalLimit: Bool {
        switch self {
        case .vectorTooLarge, .invalidLocalVector: return true
        default: return false
        }
    }

    var isFlooding: Bool {
        if case .flooding = self { return true }
        return false
    }
}
