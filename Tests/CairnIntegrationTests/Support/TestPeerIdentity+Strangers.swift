import CairnCrypto
import CairnModel
import CairnTrust
import Foundation

extension TestPeerIdentity {
    /// A device of another federation: its own charter (another federation id, its own agency
    /// root) certifies it, validly by that charter. Returns the identity and that federation's id,
    /// which its `Hello` names.
    static func ofAnotherFederation() throws -> (identity: TestPeerIdentity, federationID: [UInt8]) {
        let now = Int64(Date().timeIntervalSince1970)
        let root = AgencyRootKey.generate(name: try AgencyName("delta"))
        var draft = try Charter.make(
            federationName: "another federation", agencies: [AgencyInfo(name: root.name, rootKey: root.publicKey, ceiling: "SECRET")],
            threshold: 1, issuedAt: now)
        draft = try draft.sign(with: root)
        let charter = try Charter.verifyGenesis(draft.signed)
        let identity = try issue(
            device: "outsider", root: root, charter: charter, clearance: "SECRET", from: now - 300, until: now + 86_400)
        return (identity, charter.federationID)
    }
}
