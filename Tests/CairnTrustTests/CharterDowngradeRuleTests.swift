import CairnCrypto
import CairnTestSupport
import Testing

@testable import CairnTrust

/// The charter's downgrade rule: absent means "originating agency", so charters made before the
/// rule existed keep their bytes and their meaning.
@Suite struct CharterDowngradeRuleTests {
    let members = [
        AgencyInfo(name: Fixture.alpha.name, rootKey: Fixture.alpha.publicKey, ceiling: "SECRET"),
        AgencyInfo(name: Fixture.bravo.name, rootKey: Fixture.bravo.publicKey, ceiling: "CONFIDENTIAL"),
    ]

    private func make(_ rule: DowngradeRule? = nil) throws -> UnsignedCharter {
        let id = Array(repeating: UInt8(7), count: 16)
        if let rule {
            return try Charter.make(
                federationName: "f", federationID: id, agencies: members, threshold: 1, issuedAt: 1_800_000_000, downgrade: rule)
        }
        return try Charter.make(federationName: "f", federationID: id, agencies: members, threshold: 1, issuedAt: 1_800_000_000)
    }

    @Test func theCommittedCharterHasTheDefaultRule() {
        #expect(TestKeys.charter().downgrade == .originatingAgency)
    }

    @Test func theDefaultRuleLeavesTheBodyAsItWas() throws {
        let plain = try make()
        let explicit = try make(.originatingAgency)
        #expect(plain.signed.body == explicit.signed.body)
        #expect(plain.downgrade == .originatingAgency)
        // Field 8 (downgrade) is not written at all.
        let any = try make(.anyClearedAgency)
        #expect(any.signed.body.count == plain.signed.body.count + 2)
        #expect(try CharterDraft.inspect(any.signed).downgrade == .anyClearedAgency)
    }

    @Test func anUnknownRuleIsRefused() throws {
        var fields = try CharterFields.decode(make().signed.body)
        fields.downgrade = 7
        #expect(throws: TrustError.self) { _ = try CharterContent(CharterFields.decode(fields.encoded())) }
    }

    @Test func theRulesAllowWhatTheySay() {
        #expect(DowngradeRule.originatingAgency.allows(agency: "alpha", origin: "alpha"))
        #expect(!DowngradeRule.originatingAgency.allows(agency: "bravo", origin: "alpha"))
        #expect(DowngradeRule.anyClearedAgency.allows(agency: "bravo", origin: "alpha"))
    }
}
