import CairnProtocol

/// The audit anchor file as the daemon reads it at every start (`AuditAnchor.read`): the file's
/// length, each slot's record (`AuditAnchorFile.parse`, `AuditHead.parseAnchorRecord`), and the
/// signature of every head a slot holds, checked against the device whose anchor it would be.
/// Whoever can write the state directory can write this file, so it is untrusted input.
enum AuditAnchorFuzzer {
    static func run(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        guard let slots = outcome.attempt({ try AuditAnchorFile.parse(data) }) else { return outcome }
        for slot in slots {
            guard case .head(let head) = slot else { continue }
            _ = head.description
            if head.isValid(for: FuzzFixtures.shared.author.deviceID) {
                outcome.accept()
            } else {
                outcome.reject(AuditHeadError.invalid("not signed by the anchor's device"))
            }
        }
        return outcome
    }
}
