import CairnControl
import Testing

@testable import CairnDaemon

/// The services' refusals are the control API's documented codes: scripts match on them.
struct SiteErrorTests {
    @Test func everyRefusalIsADocumentedControlCodeOfTheSameName() {
        let documented = ControlErrorCode.all + ControlErrorCode.bundleCodes + [.auditBreakNotFound, .auditBreakAcknowledged]
        for refusal in Refusal.allCases {
            #expect(refusal.controlCode.rawValue == refusal.rawValue, "\(refusal)")
            #expect(documented.contains(refusal.controlCode), "\(refusal) is not a documented code")
        }
    }

    @Test func aFailureIsAnsweredAsInternalAndARefusalWithItsCode() throws {
        let failed = try #require(controlRefusal(of: SiteError.failed("disk")))
        #expect(failed.code == .internal && failed.code.httpStatus == 500 && failed.message == "disk")
        let refused = try #require(controlRefusal(of: SiteError.refused(.recordRetracted, "gone")))
        #expect(refused.code == .recordRetracted && refused.code.httpStatus == 410)
        #expect(controlRefusal(of: CancellationError()) == nil)
    }

    @Test func theLogKeepsTheCodeNeverTheMessage() {
        let error = SiteError.refused(.recordNotFound, "no record secret-operation-7")
        #expect(error.logCode == "request.record_not_found")
        #expect(!error.logFields.values.contains { "\($0)".contains("secret-operation-7") })
    }

    @Test func deltaRefusalsBlameTheSenderOnlyForWhatAnHonestSenderNeverSends() {
        let hostile = DeltaRefusal.allCases.filter(\.blamesSender).map(\.rawValue).sorted()
        #expect(hostile == ["above_our_clearance", "above_sender_clearance", "bad_signature", "level_not_declared", "malformed"])
        #expect(DeltaRefusal.blamesSender("a_code_a_newer_peer_sent"))
    }
}
