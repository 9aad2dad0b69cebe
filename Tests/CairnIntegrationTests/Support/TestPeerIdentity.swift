import CairnModel
import CairnTestSupport
import CairnTrust
import Foundation

/// Who a `TestPeer` claims to be: the keys it holds (its TLS key proves itself in the
/// handshake, its signing key signs its deltas) and the certificate it presents in `Hello`.
/// Besides the honest devices of `Keys/test`, the constructors make the identities an attacker
/// could bring.
struct TestPeerIdentity: Sendable {
    /// The `agency/device` its certificate names.
    let ref: String
    let keys: DeviceSecretKeys
    /// The serialized `Signed` certificate sent in `Hello`.
    let certificate: [UInt8]
    /// The clearance the certificate claims.
    let clearance: String

    var deviceID: DeviceID { keys.deviceID }

    /// A device of the deterministic test federation, with its real keys and certificate.
    static func fixture(_ ref: String) -> TestPeerIdentity {
        let verified = TestKeys.verifiedCertificate(ref)
        return TestPeerIdentity(
            ref: ref, keys: TestKeys.device(ref), certificate: verified.signed.serialized(),
            clearance: verified.clearance)
    }

    /// A fresh device certified by a root key that is not the charter's: a forged charter of the
    /// same federation names the agency `alpha` with another key, and that key signs.
    static func certifiedByRogueRoot() throws -> TestPeerIdentity {
        let real = TestKeys.charter()
        let rogueRoot = AgencyRootKey.generate(name: try AgencyName("alpha"))
        let now = Int64(Date().timeIntervalSince1970)
        var draft = try Charter.make(
            federationName: real.federationName, federationID: real.federationID, levels: real.levels.names,
            agencies: [AgencyInfo(name: rogueRoot.name, rootKey: rogueRoot.publicKey, ceiling: "SECRET")], threshold: 1,
            issuedAt: now)
        draft = try draft.sign(with: rogueRoot)
        let rogueCharter = try Charter.verifyGenesis(draft.signed)
        return try issue(
            device: "intruder", root: rogueRoot, charter: rogueCharter, clearance: "SECRET", from: now - 300,
            until: now + 86_400)
    }

    /// A fresh bravo device certified by the real bravo root of `Keys/test`, valid for a day
    /// that ended yesterday.
    static func expired() throws -> TestPeerIdentity {
        let now = Int64(Date().timeIntervalSince1970)
        return try issue(
            device: "expired", root: TestKeys.agency("bravo"), charter: TestKeys.charter(), clearance: "CONFIDENTIAL",
            from: now - 2 * 86_400, until: now - 86_400)
    }

    /// bravo/hq's genuine certificate, presented by a device whose TLS key is another one.
    static func stolenCertificate(of ref: String) -> TestPeerIdentity {
        let verified = TestKeys.verifiedCertificate(ref)
        return TestPeerIdentity(
            ref: ref, keys: DeviceSecretKeys.generate(), certificate: verified.signed.serialized(),
            clearance: verified.clearance)
    }

    /// A fresh device certified by the real root of `agency` in `Keys/test`, valid from five
    /// minutes ago for a day: a member the daemon has never heard of until it says Hello.
    static func fresh(agency: String, device: String, clearance: String) throws -> TestPeerIdentity {
        let now = Int64(Date().timeIntervalSince1970)
        return try issue(
            device: device, root: TestKeys.agency(agency), charter: TestKeys.charter(), clearance: clearance,
            from: now - 300, until: now + 86_400)
    }

    static func issue(
        device: String, root: AgencyRootKey, charter: Charter, clearance: String, from: Int64, until: Int64
    ) throws -> TestPeerIdentity {
        let keys = DeviceSecretKeys.generate()
        let request = try CertificationRequest.verify(
            CertificationRequest.create(keys: keys, agency: root.name, device: try DeviceName(device), createdAt: from))
        let signed = try DeviceCertificate.issue(
            request: request, agencyKey: root, charter: charter, clearance: clearance, notBefore: from, notAfter: until)
        return TestPeerIdentity(
            ref: "\(root.name)/\(device)", keys: keys, certificate: signed.serialized(), clearance: clearance)
    }
}
