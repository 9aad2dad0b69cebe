import CairnControl
import CairnCrypto
import Foundation

/// Checks an audit export (`cairn audit export`) offline, from the algorithm Docs/ControlAPI.md
/// gives for outside checkers, written apart from the daemon's code so that each checks the
/// other: every entry's hash from its content and the entry before it; sequence numbers
/// contiguous but at a chain break entry naming the entry before it; the head equal to the last
/// entry and signed by the device's key; each break acknowledged by an entry the device signed.
struct AuditExportCheck {
    struct Break: Equatable {
        var seq: Int64
        var source: String
        var reason: String
        var acknowledgedIn: Int64?
    }

    /// Entries that verified, in order, until the first problem.
    var entries = 0
    var headSeq: Int64 = 0
    var head = [UInt8](repeating: 0, count: 32)
    /// The first problem with the chain or the head; nil when both hold.
    var problem: String?
    var breaks: [Break] = []

    var ok: Bool { problem == nil && breaks.allSatisfy { $0.acknowledgedIn != nil } }

    static let entryDomain = Array("cairn/v1/audit\0".utf8)
    static let headDomain = Array("cairn/v1/audit-head\0".utf8)
    static let acknowledgementDomain = Array("cairn/v1/audit-acknowledgement\0".utf8)

    static func check(_ export: AuditExportDocument) -> AuditExportCheck {
        var check = AuditExportCheck()
        // A key that is not hex or not an Ed25519 key fails the check (a reported problem,
        // exit 1): nothing verifies against it.
        guard let deviceKey = Ceremony.unhex(export.device.signingKey).flatMap({ try? Ed25519.PublicKey(bytes: $0) }) else {
            check.problem = "the export's device key is not an Ed25519 public key"
            return check
        }
        for entry in export.entries {
            guard let previous = Ceremony.unhex(entry.previous), let hash = Ceremony.unhex(entry.hash) else {
                check.problem = "entry \(entry.seq): its hashes are not hex"
                return check
            }
            let fields = detailFields(entry.detail)
            if entry.seq != check.headSeq + 1 {
                let found = fields["foundSeq"].flatMap { Int64($0) }, expected = fields["expectedSeq"].flatMap { Int64($0) } ?? 0
                let skips =
                    entry.kind == "audit.chain_break" && found == check.headSeq
                    && (fields["foundHash"].flatMap(Ceremony.unhex).flatMap { $0.isEmpty ? nil : $0 } ?? [UInt8](repeating: 0, count: 32))
                        == check.head
                    && entry.seq == max(expected, found ?? 0) + 1
                guard skips else {
                    check.problem = "entries \(check.headSeq + 1)…\(entry.seq - 1) are missing (removed)"
                    return check
                }
            }
            guard hashOf(entry) == hash else {
                check.problem = "entry \(entry.seq): its content does not match its hash (edited)"
                return check
            }
            guard previous == check.head else {
                check.problem = "entry \(entry.seq) does not follow the entry before it (an entry was edited, removed or reordered)"
                return check
            }
            if entry.kind == "audit.chain_break" {
                check.breaks.append(Break(seq: entry.seq, source: fields["source"] ?? "?", reason: fields["reason"] ?? ""))
            } else if entry.kind == "audit.break_acknowledged", let target = fields["break"].flatMap({ Int64($0) }),
                let targetHash = fields["breakHash"].flatMap(Ceremony.unhex), let signature = fields["signature"].flatMap(Ceremony.unhex),
                let index = check.breaks.firstIndex(where: { $0.seq == target && $0.acknowledgedIn == nil }),
                export.entries.first(where: { $0.seq == target }).flatMap({ Ceremony.unhex($0.hash) }) == targetHash,
                deviceKey.isValidSignature(signature, for: acknowledgementDomain + deviceKey.bytes + bigEndian(target) + targetHash)
            {
                check.breaks[index].acknowledgedIn = entry.seq
            }
            check.entries += 1
            check.headSeq = entry.seq
            check.head = hash
        }
        guard export.head.seq == check.headSeq, Ceremony.unhex(export.head.hash) == check.head else {
            check.problem = "the signed head (entry \(export.head.seq)) is not the export's last entry (\(check.headSeq))"
            return check
        }
        guard let signature = Ceremony.unhex(export.head.signature),
            deviceKey.isValidSignature(signature, for: headDomain + bigEndian(check.headSeq) + check.head)
        else {
            check.problem = "the head's signature does not verify under the device key the export names"
            return check
        }
        return check
    }

    static func hashOf(_ entry: AuditEntryDocument) -> [UInt8] {
        let hasher = BLAKE2b.Hasher()
        hasher.update(entryDomain)
        hasher.update(bigEndian(entry.seq) + bigEndian(entry.atMillis))
        for field in [entry.kind, entry.actor, entry.detail] {
            let bytes = Array(field.utf8)
            hasher.update(bigEndian(Int64(bytes.count)) + bytes)
        }
        hasher.update(Ceremony.unhex(entry.previous) ?? [])
        return hasher.finalize()
    }

    /// The string fields of a detail object (the daemon writes strings only), read as
    /// `Format.auditDetail` reads them. A detail that is not such an object has none: then no
    /// skip of sequence numbers is accepted and no acknowledgement counted, so the check fails
    /// rather than passes.
    static func detailFields(_ detail: String) -> [String: String] {
        Format.auditDetailFields(detail)?.compactMapValues { field in
            if case .string(let text) = field { return text }
            return nil
        } ?? [:]
    }

    private static func bigEndian(_ value: Int64) -> [UInt8] {
        withUnsafeBytes(of: UInt64(bitPattern: value).bigEndian, Array.init)
    }
}
