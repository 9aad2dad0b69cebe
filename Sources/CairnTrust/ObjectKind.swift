/// The kinds of signed trust object. The raw value is `Signed.kind` on the wire and also the
/// signature domain, so a signature over one kind can never be replayed as another.
public enum ObjectKind: String, CaseIterable, Sendable {
    case charter = "cairn/v1/charter"
    case certificate = "cairn/v1/certificate"
    case request = "cairn/v1/request"
    case revocation = "cairn/v1/revocation"

    /// The label of this kind's armored files.
    public var armorKind: ArmorKind {
        switch self {
        case .charter: return .charter
        case .certificate: return .certificate
        case .request: return .request
        case .revocation: return .revocation
        }
    }

    /// The exact bytes a signature covers: `domain || 0x00 || body`.
    func signingMessage(body: [UInt8]) -> [UInt8] {
        Array(rawValue.utf8) + [0] + body
    }
}
