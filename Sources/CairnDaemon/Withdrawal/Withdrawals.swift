import CairnModel
import CairnTrust

/// Why a device may no longer take part: its agency revoked its certificate, or a charter
/// amendment withdrew it (its agency left the federation, or its clearance is now above the
/// agency's ceiling).
struct Withdrawal: Hashable, Sendable {
    /// Unix seconds from which the device's deltas are refused.
    let effectiveAt: Int64
    /// For people: the audit log, `cairn device list`.
    let reason: String
}

/// The devices this site must no longer trust with anything new: it refuses their connections
/// and their deltas dated from the withdrawal on, never grants them a key, and rotates every
/// epoch key they are known to hold.
///
/// A revocation names a certificate by serial and may arrive before the certificate itself, so
/// revocations are kept by serial; withdrawals by charter are computed when a charter is
/// accepted, for the certificates known then (a certificate learned later is verified against
/// the newest charter and refused outright).
struct Withdrawals: Sendable {
    private(set) var revocations: [[UInt8]: Revocation] = [:]
    private(set) var byCharter: [DeviceID: Withdrawal] = [:]

    /// Keeps a verified revocation; returns whether it was new.
    @discardableResult
    mutating func insert(_ revocation: Revocation) -> Bool {
        guard revocations[revocation.certificateSerial] == nil else { return false }
        revocations[revocation.certificateSerial] = revocation
        return true
    }

    /// Marks a device withdrawn by a charter amendment; returns whether it was new.
    @discardableResult
    mutating func withdraw(_ device: DeviceID, _ withdrawal: Withdrawal) -> Bool {
        guard byCharter[device] == nil else { return false }
        byCharter[device] = withdrawal
        return true
    }

    /// Why `certificate` is withdrawn, or nil while it is trusted.
    func withdrawal(of certificate: DeviceCertificate) -> Withdrawal? {
        if let revocation = revocations[certificate.serial], revocation.revokes(certificate) {
            return Withdrawal(effectiveAt: revocation.effectiveAt, reason: "revoked: \(revocation.reason)")
        }
        return byCharter[certificate.deviceID]
    }

    func isWithdrawn(_ certificate: DeviceCertificate) -> Bool {
        withdrawal(of: certificate) != nil
    }

    /// Every revocation, oldest effective first: what a site passes on to its peers.
    var allRevocations: [Revocation] {
        revocations.values.sorted {
            $0.effectiveAt != $1.effectiveAt
                ? $0.effectiveAt < $1.effectiveAt : $0.certificateSerial.lexicographicallyPrecedes($1.certificateSerial)
        }
    }
}
