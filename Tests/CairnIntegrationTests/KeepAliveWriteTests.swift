import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// The real daemon: writes on one kept connection, with the minimal reply and without.
    @Suite(.serialized)
    struct KeepAliveWriteTests {
        @Test func writesOnAKeptConnectionWithTheMinimalReply() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            defer { try? daemon.stop() }
            let client = daemon.client.keepingAlive()

            // The header reaches the route: only the id, and the preference said applied.
            let body = try ControlJSON.compactEncoder().encode(
                PutRecordRequest(id: "k-0", type: "incident", classification: "SECRET", fields: ["n": 0]))
            let raw = try client.send(method: "POST", path: "/v1/records", body: body, headers: [("Prefer", "return=minimal")])
            #expect(raw.status == 201)
            #expect(raw.header("preference-applied") == "return=minimal")
            #expect(String(decoding: raw.body, as: UTF8.self) == #"{"classification":"SECRET","id":"k-0"}"#)

            // Minimal and whole replies in turn on the kept connection, creates and updates.
            for n in 1...10 {
                let request = PutRecordRequest(id: "k-\(n % 4)", type: "incident", classification: "SECRET", fields: ["n": .int(Int64(n))])
                if n.isMultiple(of: 2) {
                    let (written, _) = try client.putRecordMinimal(request)
                    #expect(written == RecordWrittenDocument(id: "k-\(n % 4)", classification: "SECRET"))
                } else {
                    let (record, _) = try client.putRecord(request)
                    #expect(record.fields["n"] == .int(Int64(n)))
                }
            }
            let listed = try client.listRecords()
            #expect(Set(listed.map(\.id)) == ["k-0", "k-1", "k-2", "k-3"])
            #expect(listed.first { $0.id == "k-2" }?.fields["n"] == .int(10))
            // A refusal on the kept connection is the usual error, and the connection goes on.
            #expect(throws: ControlClientError.self) {
                try client.putRecordMinimal(PutRecordRequest(id: "k-9", type: "incident"))
            }
            #expect(try client.getRecord(id: "k-1").fields["n"] == .int(9))
        }
    }
}
