import CairnCrypto
import CairnModel
import CairnTrust

/// Who this site is: its device keys, its verified certificate and the verified charter it was
/// certified under. Immutable for the life of the process.
struct SiteIdentity: Sendable {
    let keys: DeviceSecretKeys
    let certificate: DeviceCertificate
    let charter: Charter

    var deviceID: DeviceID { keys.deviceID }
    var ref: String { "\(certificate.agency)/\(certificate.device)" }
    var clearance: String { certificate.clearance }
    var levels: LevelLattice { charter.levels }

    /// The levels this device may read and write, lowest first.
    var readableLevels: [String] { charter.levels.levels(atOrBelow: certificate.clearance) }
}
