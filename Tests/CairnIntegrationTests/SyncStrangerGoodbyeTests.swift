import CairnControl
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

extension IntegrationSuite {
    /// One answer for strangers (issue 13, item 9): whoever this federation never certified gets
    /// the same `Goodbye`, byte for byte, whatever was wrong, so that probing the port tells
    /// nothing; the reason is in the site's audit log. A device the federation did certify may
    /// be told why.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct SyncStrangerGoodbyeTests {
        enum Stranger: String, CaseIterable, Sendable {
            case anotherFederation, rogueRoot, stolenCertificate, garbageCertificate, garbageFrame, firstFrameNotHello, silent

            /// The reason code the site's audit log must name.
            var reason: String {
                switch self {
                case .anotherFederation: return "foreign_federation"
                case .rogueRoot, .garbageCertificate: return "certificate_invalid"
                case .stolenCertificate: return "tls_key_mismatch"
                case .garbageFrame: return "malformed_frame"
                case .firstFrameNotHello: return "protocol"
                case .silent: return "hello_timeout"
                }
            }
        }

        /// Connects as `stranger`, does what it does, and returns the raw bytes of the Goodbye
        /// frame the site sent before closing.
        static func goodbye(from stranger: Stranger, port: UInt16) throws -> (bytes: [UInt8], text: String) {
            let charter = TestKeys.charter()
            let peer: TestPeer
            switch stranger {
            case .anotherFederation:
                let (identity, federationID) = try TestPeerIdentity.ofAnotherFederation()
                peer = try TestPeer.connect(port: port, as: identity, hello: false)
                peer.send(.hello(HelloFrame(federationID: federationID, charterVersion: 1, certificate: identity.certificate)))
            case .rogueRoot:
                peer = try TestPeer.connect(port: port, as: try .certifiedByRogueRoot())
            case .stolenCertificate:
                peer = try TestPeer.connect(port: port, as: .stolenCertificate(of: "bravo/hq"))
            case .garbageCertificate:
                peer = try TestPeer.connect(port: port, as: .fixture("bravo/hq"), hello: false)
                peer.send(
                    .hello(
                        HelloFrame(
                            federationID: charter.federationID, charterVersion: charter.version,
                            certificate: Array("not a certificate at all".utf8))))
            case .garbageFrame:
                peer = try TestPeer.connect(port: port, as: .fixture("bravo/hq"), hello: false)
                // Framed by the transport, but no SyncMessage: the parser's complaint must not
                // come back.
                peer.sendEncoded([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x42, 0x42])
            case .firstFrameNotHello:
                peer = try TestPeer.connect(port: port, as: .fixture("bravo/hq"), hello: false)
                peer.send(.goodbye("hello?"))
                peer.send(.certificates([TestKeys.verifiedCertificate("bravo/hq").signed.serialized()]))
            case .silent:
                peer = try TestPeer.connect(port: port, as: .fixture("bravo/hq"), hello: false)
            }
            defer { peer.close() }
            let closed = try peer.waitUntilClosed(timeout: 10)
            #expect(!closed.admitted, "\(stranger): admitted")
            let frames = closed.received.filter { if case .goodbye? = $0.frame { return true } else { return false } }
            #expect(closed.received.count == frames.count, "\(stranger): the site sent more than a Goodbye")
            guard let frame = frames.first, case .goodbye(let text, _)? = frame.frame else {
                throw TestFailure("\(stranger): closed without a Goodbye")
            }
            return (frame.bytes, text)
        }

        @Test func strangersAllGetTheSameGoodbyeAndTheReasonIsAudited() throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            var answers: [Stranger: (bytes: [UInt8], text: String)] = [:]
            for stranger in Stranger.allCases {
                answers[stranger] = try Self.goodbye(from: stranger, port: alpha.port)
            }
            let distinct = Set(answers.values.map(\.bytes))
            #expect(distinct.count == 1, "different Goodbyes: \(answers.mapValues(\.text))")
            let text = try #require(answers[.garbageFrame]).text
            for word in ["federation", "certificate", "key", "malformed", "Hello", "protobuf", "decod", "revoked", "expired"] {
                #expect(!text.localizedCaseInsensitiveContains(word), "the strangers' Goodbye says '\(word)': \(text)")
            }
            // The site itself knows why, from its (aggregated) audit log.
            try FederationWait.until("every reason audited", timeout: 10) {
                let entries = try alpha.client.auditEntries()
                let missing = Stranger.allCases.filter { stranger in
                    !entries.contains { $0.actor.hasPrefix("remote:") && $0.detail.contains("\"reason\":\"\(stranger.reason)\"") }
                }
                return missing.isEmpty ? nil : "no entry for \(missing)"
            }
        }

        /// A device this federation certified, whose certificate has expired or was revoked, is
        /// told which (it can learn that from its own certificate and the revocation anyway).
        @Test func certifiedDevicesAreToldWhy() throws {
            let federation = try Federation(devices: ["alpha/hq"])
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let stranger = try Self.goodbye(from: .rogueRoot, port: alpha.port).text

            let expired = try TestPeer.connect(port: alpha.port, as: try .expired())
            defer { expired.close() }
            let expiredGoodbye = try #require(try expired.waitUntilClosed().goodbye)
            #expect(expiredGoodbye.contains("expired") && expiredGoodbye != stranger, "\(expiredGoodbye)")

            let laptop = TestKeys.verifiedCertificate("alpha/laptop")
            let revocation = try Revocation.issue(
                certificate: laptop, agencyKey: TestKeys.agency("alpha"), charter: TestKeys.charter(),
                effectiveAt: Int64(Date().timeIntervalSince1970) - 60, reason: "lost")
            #expect(try alpha.client.revoke(SignedObjectRequest(bytes: revocation.serialized())).learned)
            let revoked = try TestPeer.connect(port: alpha.port, as: .fixture("alpha/laptop"))
            defer { revoked.close() }
            let revokedGoodbye = try #require(try revoked.waitUntilClosed().goodbye)
            #expect(revokedGoodbye.contains("revoked") && revokedGoodbye != stranger, "\(revokedGoodbye)")
        }
    }
}
