import CairnProtocol

/// Grant bodies as `GrantCopies.decode` reads them after a GRANT delta's signature verified:
/// either form, any number of copies up to the limits, then `openKey` of every copy with the
/// recipient's wrapping key (a copy for another key must be refused, never opened). The body
/// is fuzzed directly: behind a signature a fuzzer could not reach it except by seeds.
enum GrantCopiesFuzzer {
    static func run(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let fixtures = FuzzFixtures.shared
        guard let grants = outcome.attempt({ try GrantCopies.decode(data, level: "CONFIDENTIAL") }) else { return outcome }
        for grant in grants where grant.recipientWrappingKey == fixtures.recipient.wrapping.publicKey {
            outcome.attempt { try grant.openKey(with: fixtures.recipient.wrapping) }
        }
        return outcome
    }
}
