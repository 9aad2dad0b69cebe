import CairnCrypto
import CairnModel

/// A verified charter: the federation's levels, member agencies and amendment threshold.
///
/// The only ways to get one are `verifyGenesis`, `verifySuccessor`, `verifyChain` and
/// `accept`, so holding a `Charter` means its signatures were checked. It is immutable and
/// keeps the signed object verbatim, to be stored and forwarded as received.
public struct Charter: Hashable, Sendable {
    let content: CharterContent
    /// The object exactly as verified.
    public let signed: SignedObject

    init(content: CharterContent, signed: SignedObject) {
        self.content = content
        self.signed = signed
    }

    /// 16 bytes naming the federation, fixed for its life.
    public var federationID: [UInt8] { content.federationID }
    /// `federationID` in lowercase hex.
    public var federationIDHex: String { Hex.encode(content.federationID) }
    /// The federation's human name.
    public var federationName: String { content.federationName }
    /// The version; each amendment adds one.
    public var version: UInt64 { content.version }
    /// The classification levels, lowest first.
    public var levels: LevelLattice { content.levels }
    /// The member agencies, in charter order.
    public var agencies: [AgencyInfo] { content.agencies }
    /// Signatures by members of this version needed for the next version.
    public var threshold: Int { content.threshold }
    /// Unix seconds when this version was issued.
    public var issuedAt: Int64 { content.issuedAt }
    /// Who may lower a record's classification (absent from older charters: the default).
    public var downgrade: DowngradeRule { content.downgrade }
    /// BLAKE2b-256 of the body bytes: pins a genesis in configuration and identifies a version.
    public var fingerprint: [UInt8] { BLAKE2b.hash(signed.body) }
    /// `fingerprint` in lowercase hex.
    public var fingerprintHex: String { Hex.encode(fingerprint) }

    /// The member named `name`, or `nil` if there is none (a lookup, not a validation).
    public func agency(named name: String) -> AgencyInfo? {
        content.agency(named: name)
    }

    /// The member named `name`, or `nil` if there is none.
    public func agency(named name: AgencyName) -> AgencyInfo? {
        content.agency(named: name.value)
    }

    /// The clearance ceiling of `agency`; throws `agencyNotInCharter` for a non-member.
    public func ceiling(of agency: String) throws -> String {
        guard let info = content.agency(named: agency) else {
            throw TrustError.agencyNotInCharter(Display.clean(agency))
        }
        return info.ceiling
    }

    /// The clearance ceiling of `agency`; throws `agencyNotInCharter` for a non-member.
    public func ceiling(of agency: AgencyName) throws -> String {
        try ceiling(of: agency.value)
    }

    /// Throws unless `clearance` is a declared level at or below `agency`'s ceiling: the check
    /// both certificate issuance and verification make.
    func requireClearance(_ clearance: String, for agency: AgencyInfo) throws {
        guard levels.contains(clearance) else { throw TrustError.unknownLevel(Display.clean(clearance)) }
        guard levels.isAtOrBelow(clearance, agency.ceiling) else {
            throw TrustError.clearanceAboveCeiling(
                clearance: clearance, ceiling: agency.ceiling, agency: agency.name.value)
        }
    }

    /// Throws `federationMismatch` unless `id` is this federation's id.
    func requireFederation(_ id: [UInt8]) throws {
        guard id == federationID else {
            throw TrustError.federationMismatch(expected: federationIDHex, found: Hex.encode(Array(id.prefix(32))))
        }
    }
}
