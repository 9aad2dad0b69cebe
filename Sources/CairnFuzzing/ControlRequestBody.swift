import CairnControl
import CairnProtocol
import CairnTrust
import Foundation

#if DEBUG || CAIRN_FUZZING
@testable import CairnDaemon

/// A resolved control route and the decoding of its body, as `ControlAPI` does it before it
/// calls the site.
struct Route {
    let route: ControlRoute

    init(method: String, target: String) throws {
        route = try ControlRoute.resolve(method: method, target: target)
        _ = (route.name, route.requiredRight, route.takesBody, route.streamsProgress)
    }

    var maxBodyBytes: Int { route.maxBodyBytes }

    /// Decodes `body` as the route's handler would, up to the first thing that needs a site.
    func decodeBody(_ body: [UInt8]) throws {
        let fixtures = FuzzFixtures.shared
        switch route {
        case .putRecord:
            let request = try json(PutRecordRequest.self, body)
            _ = request.fields?.mapValues(DocumentMapping.field)
        case .addPeer:
            _ = try json(AddPeerRequest.self, body)
        case .sync:
            _ = try json(SyncRequest.self, body)
        case .revoke:
            let signed = try SignedObject.parse(bytes: base64(json(SignedObjectRequest.self, body).object), kind: .revocation)
            _ = try? Revocation.verify(signed, charter: fixtures.charter)
        case .amendCharter:
            let signed = try SignedObject.parse(bytes: base64(json(SignedObjectRequest.self, body).object), kind: .charter)
            _ = try? Charter.accept(offered: signed, held: fixtures.charter)
        case .reclassifyRecord:
            _ = try json(ReclassifyRequest.self, body)
        case .retractRecord:
            _ = try json(RetractRequest.self, body)
        case .auditAcknowledge:
            _ = try json(AuditAcknowledgeRequest.self, body)
        case .bundleExport:
            let request = try ControlJSON.decoder().decode(BundleExportRequest.self, from: Data(body))
            if let since = request.since {
                _ = try BundleVectorFile.parse(base64(since))
            }
        case .bundleImport:
            _ = try BundleFile.parse(body)
        case .status, .listRecords, .getRecord, .deleteRecord, .history, .auditList, .auditVerify, .auditExport,
            .metrics, .watch, .listPeers, .removePeer, .digest, .listDevices, .listKeys, .bundleVector:
            break
        }
    }

    /// `ControlAPI.decode`: an empty body is refused before the JSON decoder sees it.
    private func json<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws -> T {
        guard !body.isEmpty else { throw ControlBodyRefusal.emptyBody }
        return try ControlJSON.decoder().decode(type, from: Data(body))
    }

    private func base64(_ text: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text) else { throw ControlBodyRefusal.notBase64 }
        return Array(data)
    }
}
#else

/// Without access to the daemon's route table (a release build of this library): every
/// request is accepted with the daemon's default body limit, and its body is not decoded.
struct Route {
    init(method: String, target: String) throws {}

    var maxBodyBytes: Int { 2 * 1024 * 1024 }

    func decodeBody(_ body: [UInt8]) throws {}
}
#endif

/// Refusals of a body that the daemon makes before any decoder runs.
enum ControlBodyRefusal: Error, CustomStringConvertible {
    case emptyBody
    case notBase64

    var description: String {
        switch self {
        case .emptyBody: return "the request needs a JSON body"
        case .notBase64: return "a base64 member is not base64"
        }
    }
}
