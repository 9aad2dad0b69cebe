import CairnModel
import CairnTrust

/// How far a bundle export or import has got: `phase` is read, seal, verify or store.
struct BundleProgress: Sendable {
    let phase: String
    let done: Int
    let total: Int
}

/// What an export put in the bundle it made.
struct BundleExported: Sendable {
    let bundleID: [UInt8]
    let recipient: DeviceCertificate
    /// Where the recipient's vector came from: "file", "stored" or "none".
    let vectorSource: String
    let vectorAt: Int64?
    let levels: [String]
    let deltas: Int
    let certificates: Int
    let revocations: Int
    let bytes: Int
    /// False when the size budget stopped it before every delta wanted was carried.
    let complete: Bool
}

/// What an import found in a bundle and did with it (a dry run stops after the counts of the
/// check).
struct BundleImported: Sendable {
    let bundleID: String
    let sender: DeviceCertificate
    let createdAt: Int64
    let dryRun: Bool
    let levels: [String]
    let deltas: Int
    let certificates: Int
    let revocations: Int
    /// Deltas this site did not hold.
    let new: Int
    let skipped: Int
    /// Skipped deltas by refusal code.
    let skippedReasons: [String: Int]
    var stored = 0
    var duplicate = 0
    var pending = 0
    var refused = 0
    var refusals: [String: Int] = [:]
    var certificatesLearned = 0
    var revocationsLearned = 0
}
