import CairnCrypto
import CairnModel
import CairnStore
import CairnTrust

/// An administrator's acknowledgement of one chain break: an `audit.break_acknowledged` entry
/// naming the break entry (sequence number and hash), with the device's signature over both.
///
/// The signature is what makes it an acknowledgement. The hash chain is unkeyed, so whoever can
/// write the store could append an entry of this kind after the anchored head; without the
/// device's signing key they cannot sign it, and `verify` ignores (and reports) one that does
/// not verify.
struct AuditAcknowledgement: Hashable, Sendable {
    static let domain = Array("cairn/v1/audit-acknowledgement\0".utf8)

    /// The acknowledgement entry's own sequence number, and who made it.
    var seq: Int64
    var at: Int64
    var actor: String
    /// The break it acknowledges.
    var breakSeq: Int64
    var breakHash: [UInt8]
    var signature: [UInt8]

    /// The bytes signed: domain, device, the break's sequence number and hash.
    static func signedBytes(device: DeviceID, breakSeq: Int64, breakHash: [UInt8]) -> [UInt8] {
        domain + device.bytes + withUnsafeBytes(of: UInt64(bitPattern: breakSeq).bigEndian, Array.init) + breakHash
    }

    /// The detail of a new acknowledgement of `target`, signed with `keys`.
    static func detail(for target: AuditBreak, keys: DeviceSecretKeys) -> [String: String] {
        let signature = keys.signing.signature(for: signedBytes(device: keys.deviceID, breakSeq: target.seq, breakHash: target.hash))
        return ["break": "\(target.seq)", "breakHash": Hex.encode(target.hash), "signature": Hex.encode(signature)]
    }

    /// Reads a stored acknowledgement entry; nil when its detail is not one.
    init?(_ row: AuditRow) {
        guard row.kind == AuditRow.acknowledgementKind, let fields = AuditDetail.fields(row.detail),
            let breakSeq = fields["break"].flatMap({ Int64($0) }), let breakHash = fields["breakHash"].flatMap(Hex.decodeOrNil),
            let signature = fields["signature"].flatMap(Hex.decodeOrNil)
        else { return nil }
        seq = row.seq
        at = row.at
        actor = row.actor
        self.breakSeq = breakSeq
        self.breakHash = breakHash
        self.signature = signature
    }

    /// Whether `device` signed it for exactly `target`.
    func isValid(for target: AuditBreak, device: DeviceID) -> Bool {
        guard breakSeq == target.seq, ConstantTime.equals(breakHash, target.hash),
            let key = try? Ed25519.PublicKey(bytes: device.bytes)
        else { return false }
        return key.isValidSignature(signature, for: Self.signedBytes(device: device, breakSeq: breakSeq, breakHash: breakHash))
    }
}
