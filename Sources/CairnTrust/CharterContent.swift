import CairnCrypto
import CairnModel

/// The validated contents of a charter body, shared by a `Charter` (verified) and a
/// `CharterDraft` (structure checked, signatures not yet).
struct CharterContent: Hashable, Sendable {
    static let federationIDLength = 16
    static let maxFederationNameBytes = 64

    let federationID: [UInt8]
    let federationName: String
    let version: UInt64
    let levels: LevelLattice
    let agencies: [AgencyInfo]
    let threshold: Int
    let issuedAt: Int64
    let downgrade: DowngradeRule

    /// Checks every structural rule of a charter body.
    init(_ fields: CharterFields) throws {
        guard fields.federationID.count == Self.federationIDLength else {
            throw TrustError.invalidLength(
                what: "federation id", expected: Self.federationIDLength, actual: fields.federationID.count)
        }
        try Self.validateFederationName(fields.federationName)
        guard fields.version >= 1 else { throw TrustError.invalidVersion }
        let levels = try Self.lattice(fields.levels)
        var agencies: [AgencyInfo] = []
        var owners: [Ed25519.PublicKey: String] = [:]
        for entry in fields.agencies {
            let name = try AgencyName(entry.name)
            guard !agencies.contains(where: { $0.name == name }) else { throw TrustError.duplicateAgency(name.value) }
            let rootKey = try Self.publicKey(entry.rootKey, what: "root key of agency \(name)")
            if let owner = owners.updateValue(name.value, forKey: rootKey) {
                throw TrustError.duplicateAgencyKey(first: owner, second: name.value)
            }
            guard levels.contains(entry.ceiling) else {
                throw TrustError.ceilingNotALevel(agency: name.value, ceiling: Display.clean(entry.ceiling))
            }
            agencies.append(AgencyInfo(name: name, rootKey: rootKey, ceiling: entry.ceiling))
        }
        guard fields.threshold >= 1, Int(fields.threshold) <= agencies.count else {
            throw TrustError.thresholdOutOfRange(threshold: Int(fields.threshold), agencies: agencies.count)
        }
        federationID = fields.federationID
        federationName = fields.federationName
        version = fields.version
        self.levels = levels
        self.agencies = agencies
        guard let downgrade = DowngradeRule(rawValue: fields.downgrade) else {
            throw TrustError.malformedObject(what: "charter", reason: "unknown downgrade rule \(fields.downgrade)")
        }
        threshold = Int(fields.threshold)
        issuedAt = fields.issuedAt
        self.downgrade = downgrade
    }

    func agency(named name: String) -> AgencyInfo? {
        agencies.first { $0.name.value == name }
    }

    static func validateFederationName(_ name: String) throws {
        let size = name.utf8.count
        let hasControl = name.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        guard (1...maxFederationNameBytes).contains(size), !hasControl else {
            throw TrustError.invalidFederationName(Display.clean(name))
        }
    }

    /// The lattice of `names`, with CairnModel's errors translated to this module's.
    static func lattice(_ names: [String]) throws -> LevelLattice {
        do {
            return try LevelLattice(names)
        } catch ModelError.emptyLattice {
            throw TrustError.noLevels
        } catch ModelError.invalidLevelName(let name) {
            throw TrustError.invalidLevelName(Display.clean(name))
        } catch ModelError.duplicateLevel(let name) {
            throw TrustError.duplicateLevel(name)
        } catch {
            throw TrustError.malformedObject(what: "charter levels", reason: "\(error)")
        }
    }

    static func publicKey(_ bytes: [UInt8], what: String) throws -> Ed25519.PublicKey {
        guard bytes.count == Ed25519.publicKeyLength else {
            throw TrustError.invalidLength(what: what, expected: Ed25519.publicKeyLength, actual: bytes.count)
        }
        return try Ed25519.PublicKey(bytes: bytes)
    }
}
