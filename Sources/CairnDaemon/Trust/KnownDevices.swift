import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

/// The device certificates this site has verified: its own and those peers presented or passed
/// on. They decide whose deltas are accepted (the author must be a certified member cleared
/// for the delta's level) and to whom epoch keys are granted. (A connecting peer is admitted
/// by the certificate in its own Hello, checked against the TLS key it proved.)
struct KnownDevices: Sendable {
    private(set) var byID: [DeviceID: DeviceCertificate] = [:]
    /// When this site first learned of each device (the store's `learned_at`): a holder that is
    /// not responsible for a key waits a grace period from then before granting it (`GrantPlan`).
    private var learnedAt: [DeviceID: Int64] = [:]

    /// Adds a certificate, or replaces the one held for the device when it is newer (issued
    /// later); returns whether it was kept. An older certificate never replaces a newer one, so
    /// a peer replaying a device's expired certificate cannot get its new deltas refused.
    @discardableResult
    mutating func insert(_ certificate: DeviceCertificate, at now: Int64 = Int64(Date().timeIntervalSince1970)) -> Bool {
        guard supersedes(certificate) else { return false }
        byID[certificate.deviceID] = certificate
        if learnedAt[certificate.deviceID] == nil { learnedAt[certificate.deviceID] = now }
        return true
    }

    func certificate(_ id: DeviceID) -> DeviceCertificate? { byID[id] }

    /// When this site first learned of the device; nil for one it does not know.
    func knownSince(_ id: DeviceID) -> Int64? { learnedAt[id] }

    /// Puts `certificate` in place whatever is held (this device's own, from its configuration).
    mutating func replace(_ certificate: DeviceCertificate) {
        byID[certificate.deviceID] = certificate
    }

    /// Whether `certificate` would be kept: the device is unknown, or it was issued later than
    /// the one held (same start: the longer validity wins).
    func supersedes(_ certificate: DeviceCertificate) -> Bool {
        guard let old = byID[certificate.deviceID] else { return true }
        if certificate.serial == old.serial { return false }
        if certificate.notBefore != old.notBefore { return certificate.notBefore > old.notBefore }
        return certificate.notAfter > old.notAfter
    }

    /// Every known certificate, ordered by reference.
    var all: [DeviceCertificate] {
        byID.values.sorted { "\($0.ref)" < "\($1.ref)" }
    }

    /// How people see a device: agency/name when known.
    func displayName(_ id: DeviceID) -> String {
        byID[id].map { "\($0.ref)" } ?? String(id.hex.prefix(16))
    }

    /// Loads the certificates kept in the store, re-verifying each against the charters held
    /// (`charters`: the verified chain, genesis first). A certificate the newest charter refuses
    /// but an earlier one accepted was withdrawn by the amendment after that one (its agency
    /// left, or its ceiling fell): it is kept, so that the deltas the device wrote before stay
    /// verifiable, and returned as withdrawn from that amendment's issue time. One no charter
    /// accepts is dropped.
    static func load(
        _ rows: [DeviceRow], charters: [Charter]
    ) -> (KnownDevices, withdrawn: [(DeviceID, Withdrawal)], dropped: [String]) {
        var devices = KnownDevices()
        var withdrawn: [(DeviceID, Withdrawal)] = []
        var dropped: [String] = []
        for row in rows {
            let signed: SignedObject
            do {
                signed = try SignedObject.parse(bytes: row.certificate, kind: .certificate)
            } catch {
                dropped.append("\(row.agency)/\(row.name): \(error)")
                continue
            }
            var newestRefusal: (any Error)?
            for (index, charter) in charters.enumerated().reversed() {
                do {
                    let certificate = try DeviceCertificate.verifyIgnoringTime(signed, charter: charter)
                    devices.insert(certificate, at: row.learnedAt)
                    if let refusal = newestRefusal, index + 1 < charters.count {
                        let amendment = charters[index + 1]
                        withdrawn.append(
                            (certificate.deviceID,
                             Withdrawal(effectiveAt: amendment.issuedAt, reason: "charter version \(amendment.version): \(refusal)")))
                    }
                    newestRefusal = nil
                    break
                } catch {
                    if newestRefusal == nil { newestRefusal = error }
                }
            }
            if let newestRefusal { dropped.append("\(row.agency)/\(row.name): \(newestRefusal)") }
        }
        return (devices, withdrawn, dropped)
    }
}

extension DeviceRow {
    /// The store row of a verified certificate.
    init(_ certificate: DeviceCertificate, learnedAt: Int64) {
        self.init(
            signingKey: certificate.deviceID.bytes, agency: certificate.agency.value, name: certificate.device.value,
            clearance: certificate.clearance, tlsKey: certificate.tlsKey.bytes, notAfter: certificate.notAfter,
            certificate: certificate.signed.serialized(), learnedAt: learnedAt)
    }
}

extension GrantSeen {
    /// What a grant says: its recipient holds the epoch key.
    init(_ grant: EpochGrant) {
        self.init(level: grant.level, epochNumber: grant.epoch.number, epochKeyID: grant.epoch.keyID, recipient: grant.recipient.bytes)
    }
}

extension WriteBatch {
    /// The batch with grants seen added.
    func with(grants: [GrantSeen]) -> WriteBatch {
        var batch = self
        batch.grants += grants
        return batch
    }
}
