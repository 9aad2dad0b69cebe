import CairnCrypto
import CairnModel
import CairnTrust

/// The certificate use of the engine: certificates by reference. One item per device whose
/// certificate the sender may pass on (key: the device id; value: the certificate's validity
/// window and a digest), so each side learns which certificates the other lacks, or holds in an
/// older version, and sends only those.
public struct CertificateItems: Sendable {
    /// The set to reconcile.
    public let set: ReconcileSet
    /// Our certificate of each device, by key.
    public let certificates: [[UInt8]: DeviceCertificate]

    /// The items of `certificates`. When a device has several, the one issued last is kept
    /// (the later `notBefore`; with the same start, the later `notAfter`), as a receiver keeps.
    public init(_ certificates: [DeviceCertificate], limit: Int = ReconcileLimits.default.maxSetItems)
        throws(ReconcileError)
    {
        var latest: [[UInt8]: DeviceCertificate] = [:]
        for certificate in certificates {
            let key = certificate.deviceID.bytes
            if let held = latest[key], Self.version(of: held) >= Self.version(of: certificate) { continue }
            latest[key] = certificate
        }
        self.set = try ReconcileSet(
            kind: .certificates, items: latest.map { ReconcileItem(key: $0.key, value: Self.value(of: $0.value)) },
            limit: limit)
        self.certificates = latest
    }

    /// u64be(notBefore) || u64be(notAfter) || the first 16 bytes of BLAKE2b-256 of the
    /// serialized certificate. The times are two's complement, so decode them as `Int64`.
    public static func value(of certificate: DeviceCertificate) -> [UInt8] {
        func bigEndian(_ value: Int64) -> [UInt8] {
            let bits = UInt64(bitPattern: value)
            return (0..<8).reversed().map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
        }
        return bigEndian(certificate.notBefore) + bigEndian(certificate.notAfter)
            + Array(BLAKE2b.hash(certificate.signed.serialized()).prefix(16))
    }

    /// The order of two certificates of one device: which one a receiver keeps.
    public struct Version: Hashable, Comparable, Sendable {
        /// Start of validity (Unix seconds).
        public var notBefore: Int64
        /// End of validity (Unix seconds).
        public var notAfter: Int64

        public static func < (lhs: Version, rhs: Version) -> Bool {
            (lhs.notBefore, lhs.notAfter) < (rhs.notBefore, rhs.notAfter)
        }
    }

    /// The version a value describes.
    public static func version(of value: [UInt8]) -> Version? {
        guard value.count == ReconcileSetKind.certificates.valueLength else { return nil }
        func int64(_ bytes: ArraySlice<UInt8>) -> Int64 { Int64(bitPattern: bytes.reduce(0) { $0 << 8 | UInt64($1) }) }
        return Version(notBefore: int64(value[0..<8]), notAfter: int64(value[8..<16]))
    }

    static func version(of certificate: DeviceCertificate) -> Version {
        Version(notBefore: certificate.notBefore, notAfter: certificate.notAfter)
    }

    /// The certificates to send after a finished session: every one the peer lacks, or holds
    /// in an older version. (A device whose versions tie but differ is sent too: the receiver
    /// keeps the one it holds, as it always does.)
    public func toSend(_ outcome: ReconcileOutcome) -> [DeviceCertificate] {
        outcome.differences.compactMap { difference in
            guard let certificate = certificates[difference.key] else { return nil }
            guard let remote = difference.remote else { return certificate }
            guard let theirs = Self.version(of: remote) else { return certificate }
            return theirs <= Self.version(of: certificate) ? certificate : nil
        }
    }

    /// The devices whose certificate the peer holds in a newer version than ours, or that we
    /// lack: what it will send us.
    public func expected(_ outcome: ReconcileOutcome) -> [DeviceID] {
        outcome.differences.compactMap { difference in
            guard let remote = difference.remote.flatMap(Self.version(of:)) else { return nil }
            if let certificate = certificates[difference.key], remote <= Self.version(of: certificate) { return nil }
            // Keys of this set are 32 bytes (checked when the set and the messages were built),
            // so this never fails.
            return try? DeviceID(difference.key)
        }
    }
}
