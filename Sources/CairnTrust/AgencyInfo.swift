import CairnCrypto

/// One member agency as a charter lists it.
public struct AgencyInfo: Hashable, Sendable {
    /// The agency's name, unique in the charter.
    public let name: AgencyName
    /// The root key that signs the agency's certificates and its charter votes.
    public let rootKey: Ed25519.PublicKey
    /// The highest level the agency's devices may be cleared for.
    public let ceiling: String

    /// Describes a member for `Charter.make`; the ceiling is checked against the levels there.
    public init(name: AgencyName, rootKey: Ed25519.PublicKey, ceiling: String) {
        self.name = name
        self.rootKey = rootKey
        self.ceiling = ceiling
    }
}
