import CairnTestSupport
import Testing

@testable import CairnTrust

@Suite struct ArmorTests {
    @Test func roundTripsWithLabelAnd64CharacterLines() throws {
        let bytes = (0..<200).map { UInt8($0) }
        let text = Armor.encode(kind: .certificate, bytes: bytes)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "-----BEGIN CAIRN CERTIFICATE-----")
        #expect(lines.last == "-----END CAIRN CERTIFICATE-----")
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.count <= 64 })
        #expect(lines[1].count == 64)
        #expect(text.hasSuffix("\n"))
        #expect(try Armor.decode(text, expecting: .certificate) == bytes)
        #expect(try Armor.kind(of: text) == .certificate)
    }

    @Test(arguments: [0, 1, 2, 3, 47, 48, 49])
    func base64RoundTripsEveryPaddingCase(count: Int) throws {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(try Base64.decode(Array(Base64.encode(bytes).utf8)) == bytes)
    }

    @Test func toleratesCRLFIndentationAndBlankLines() throws {
        let text = Armor.encode(kind: .charter, bytes: Array(repeating: 0xAB, count: 100))
        let mangled = "\n\n  " + text.split(separator: "\n").joined(separator: " \r\n\r\n\t") + "\r\n\n"
        #expect(try Armor.decode(mangled, expecting: .charter) == Array(repeating: 0xAB, count: 100))
    }

    @Test func refusesAnotherKind() {
        let text = Armor.encode(kind: .certificate, bytes: [1, 2, 3])
        #expect(throws: TrustError.wrongKind(expected: "CHARTER", found: "CERTIFICATE")) {
            try Armor.decode(text, expecting: .charter)
        }
    }

    @Test func refusesBadBase64() {
        let text = "-----BEGIN CAIRN CHARTER-----\nAAA*\n-----END CAIRN CHARTER-----\n"
        #expect(throws: TrustError.malformedArmor(reason: "invalid base64 character")) {
            try Armor.decode(text, expecting: .charter)
        }
    }

    @Test(arguments: [
        ("QR==", "non-canonical base64"), ("QUI=QUJD", "misplaced base64 padding"),
        ("QUJ", "base64 length is not a multiple of 4"), ("Q===", "misplaced base64 padding"),
    ])
    func refusesNonCanonicalBase64(body: String, reason: String) {
        let text = "-----BEGIN CAIRN REQUEST-----\n\(body)\n-----END CAIRN REQUEST-----"
        #expect(throws: TrustError.malformedArmor(reason: reason)) { try Armor.decode(text, expecting: .request) }
    }

    @Test func refusesOversizeTextBeforeDecoding() {
        // Not even armor: the size limit must trip before any parsing.
        let text = String(repeating: "A", count: Armor.maxTextBytes + 1)
        #expect(throws: TrustError.tooLarge(what: "armored file", size: Armor.maxTextBytes + 1, limit: Armor.maxTextBytes)) {
            try Armor.decode(text, expecting: .charter)
        }
    }

    @Test func refusesMissingOrMismatchedEndLine() {
        #expect(throws: TrustError.malformedArmor(reason: "no matching -----END CAIRN CHARTER----- line at the end")) {
            try Armor.decode("-----BEGIN CAIRN CHARTER-----\nAAAA\n", expecting: .charter)
        }
        #expect(throws: TrustError.malformedArmor(reason: "no matching -----END CAIRN CHARTER----- line at the end")) {
            try Armor.decode("-----BEGIN CAIRN CHARTER-----\nAAAA\n-----END CAIRN REQUEST-----", expecting: .charter)
        }
        #expect(throws: TrustError.malformedArmor(reason: "no -----BEGIN CAIRN ...----- line at the start")) {
            try Armor.decode("hello\n-----BEGIN CAIRN CHARTER-----\nAAAA\n-----END CAIRN CHARTER-----", expecting: .charter)
        }
    }

    @Test func refusesEmptyBodyAndUnknownLabel() {
        #expect(throws: TrustError.malformedArmor(reason: "empty body")) {
            try Armor.decode("-----BEGIN CAIRN CHARTER-----\n-----END CAIRN CHARTER-----", expecting: .charter)
        }
        #expect(throws: TrustError.malformedArmor(reason: "unknown kind 'SECRET STUFF'")) {
            try Armor.kind(of: "-----BEGIN CAIRN SECRET STUFF-----\nAAAA\n-----END CAIRN SECRET STUFF-----")
        }
    }

    @Test func signedObjectRoundTripsThroughBytesAndArmor() throws {
        let signed = TestKeys.certificate("alpha/hq")
        #expect(try SignedObject.parse(bytes: signed.serialized(), kind: .certificate) == signed)
        #expect(try SignedObject.parse(armored: signed.armored(), kind: .certificate) == signed)
    }

    @Test func signedObjectRefusesAnInnerKindOtherThanTheLabel() {
        // A certificate envelope wrapped in CHARTER armor.
        let text = Armor.encode(kind: .charter, bytes: TestKeys.certificate("alpha/hq").serialized())
        #expect(throws: TrustError.wrongKind(expected: "cairn/v1/charter", found: "cairn/v1/certificate")) {
            try SignedObject.parse(armored: text, kind: .charter)
        }
    }

    @Test func signedObjectRefusesGarbageAndOversize() {
        let error = #expect(throws: TrustError.self) {
            try SignedObject.parse(bytes: [0xFF, 0xFF, 0xFF], kind: .charter)
        }
        guard case .malformedObject(what: "signed object", _) = error else {
            Issue.record("expected malformedObject, got \(String(describing: error))")
            return
        }
        let huge = [UInt8](repeating: 0, count: SignedObject.maxSerializedBytes + 1)
        #expect(throws: TrustError.tooLarge(what: "signed object", size: huge.count, limit: SignedObject.maxSerializedBytes)) {
            try SignedObject.parse(bytes: huge, kind: .charter)
        }
    }
}
