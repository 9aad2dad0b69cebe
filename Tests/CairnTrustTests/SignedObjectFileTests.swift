import CairnTestSupport
import Foundation
import Testing

@testable import CairnTrust

@Suite struct SignedObjectFileTests {
    @Test func objectFilesArePublicAndReplacedOnlyWhenAsked() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("charter.txt")
        let charter = Fixture.charter.signed
        let unsigned = SignedObject(kind: .charter, body: charter.body)
        try unsigned.write(to: path)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o644)
        #expect(try SignedObject.read(from: path, kind: .charter) == unsigned)
        #expect(throws: TrustError.fileExists(path: path)) { try charter.write(to: path) }
        // A co-signer replaces the file with the signed version.
        try charter.write(to: path, replacing: true)
        #expect(try SignedObject.read(from: path, kind: .charter) == charter)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["charter.txt"])
        #expect(throws: TrustError.wrongKind(expected: "CERTIFICATE", found: "CHARTER")) {
            try SignedObject.read(from: path, kind: .certificate)
        }
    }

    @Test func oversizeFilesAreRefusedBeforeReading() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("big")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(count: FileIO.maxFileBytes + 1)))
        #expect(throws: TrustError.tooLarge(what: "file \(path)", size: FileIO.maxFileBytes + 1, limit: FileIO.maxFileBytes)) {
            try SignedObject.read(from: path, kind: .charter)
        }
    }
}
