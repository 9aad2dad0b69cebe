import CairnControl
import Foundation
import Logging

/// A response of the control API: a status and a JSON body.
struct ControlReply: Sendable {
    var status: Int
    var body: [UInt8]
    var contentType = "application/json"
    /// Extra response header fields (a bundle export's `Cairn-Bundle` summary).
    var headers: [(String, String)] = []

    static func json(_ status: Int, _ value: some Encodable) -> ControlReply {
        do {
            return ControlReply(status: status, body: Array(try ControlJSON.compactEncoder().encode(value)))
        } catch {
            return ControlReply.error(.internal, "the response could not be encoded: \(error)")
        }
    }

    /// The minimal reply to a write (`Prefer: return=minimal`): which record it wrote, 201 when
    /// it created it, without the record.
    static func written(id: String, level: String, created: Bool) -> ControlReply {
        var reply = ControlReply.json(created ? 201 : 200, RecordWrittenDocument(id: id, classification: level))
        reply.headers.append(("preference-applied", "return=minimal"))
        return reply
    }

    static func error(_ code: ControlErrorCode, _ message: String) -> ControlReply {
        // Encoding two strings cannot fail; an empty body still carries the status.
        let body = (try? ControlJSON.compactEncoder().encode(ErrorDocument(code, message: message))) ?? Data()
        return ControlReply(status: code.httpStatus, body: Array(body))
    }
}

/// Runs resolved routes against the site. Blocking: called on the daemon's thread pool, never on
/// an event loop. The caller's right has been checked before `handle` is called.
struct ControlAPI: Sendable {
    /// Largest request body accepted, checked before it is buffered.
    static let maxRequestBodyBytes = 2 * 1024 * 1024

    let site: Site
    let logger: Logger
    /// Federation sync, when the daemon runs it (tests of the control API may run without).
    var sync: SyncService? = nil

    func handle(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials) -> ControlReply {
        let reply = respond(route, body: body, caller: caller)
        site.metrics.count("cairn_control_requests_total", [("route", route.name), ("status", String(reply.status))])
        return reply
    }

    private func respond(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials) -> ControlReply {
        // The record a log line may name by its keyed hash: the path's.
        let record = route.recordParameter
        do {
            switch route {
            case .status:
                var status = DocumentMapping(site: site).document(try site.status.status())
                if let sync { status.sync = SyncStatusDocument(listen: sync.listenAddress.withLock { $0 }, peers: sync.peerDocuments()) }
                return .json(200, status)
            case .listPeers:
                return .json(200, SyncStatusDocument(listen: sync?.listenAddress.withLock { $0 }, peers: sync?.peerDocuments() ?? []))
            case .addPeer:
                let request = try decode(AddPeerRequest.self, from: body)
                let document = try requireSync().addPeer(request)
                try site.audit.audit("peer.added", actor: "uid:\(caller.uid)", detail: ["peer": request.name, "address": request.address])
                return .json(201, document)
            case .removePeer(let name):
                try requireSync().removePeer(named: name)
                try site.audit.audit("peer.removed", actor: "uid:\(caller.uid)", detail: ["peer": name])
                return .json(200, ["removed": name])
            case .sync, .putRecord, .reclassifyRecord, .retractRecord, .deleteRecord:
                // They wait for peers or for a ledger group: run as tasks (`handleWaiting`),
                // never on a pool thread.
                return .error(.internal, "route \(route.name) is served as a task (handleWaiting)")
            case .listDevices:
                return .json(200, DocumentMapping(site: site).documents(site.trust.devices()))
            case .listKeys:
                return .json(200, DocumentMapping.document(site.keys.epochs()))
            case .bundleExport, .bundleImport, .bundleVector:
                return try respondBundle(route, body: body, caller: caller)
            case .revoke:
                let request = try decode(SignedObjectRequest.self, from: body)
                return .json(200, DocumentMapping.document(try site.trust.revoke(DocumentMapping.signedBytes(request), actor: "uid:\(caller.uid)")))
            case .amendCharter:
                let request = try decode(SignedObjectRequest.self, from: body)
                return .json(
                    200, DocumentMapping.document(try site.trust.amendCharter(DocumentMapping.signedBytes(request), actor: "uid:\(caller.uid)")))
            case .digest:
                return .json(200, DocumentMapping.document(try site.status.stateDigest()))
            case .listRecords(let level, let type, let tag, let deleted, let conflicts):
                let mapping = DocumentMapping(site: site)
                return .json(
                    200,
                    try site.records.list(level: level, type: type, tag: tag, deleted: deleted, conflictsOnly: conflicts).map(mapping.document))
            case .getRecord(let id, let level):
                return .json(200, DocumentMapping(site: site).document(try site.records.get(id: id, level: level)))
            case .history(let id, let level):
                let mapping = DocumentMapping(site: site)
                return .json(200, try site.records.history(id: id, level: level).map(mapping.entry))
            case .auditList(let after, let limit):
                return .json(200, try site.audit.auditEntries(after: after, limit: limit).map(DocumentMapping.document))
            case .auditVerify:
                return .json(200, DocumentMapping.document(try site.audit.verifyAudit()))
            case .auditExport:
                return .json(200, DocumentMapping(site: site).document(try site.audit.exportAudit()))
            case .auditAcknowledge:
                let request = try decode(AuditAcknowledgeRequest.self, from: body)
                let (found, breaks) = try site.audit.acknowledgeAuditBreak(request.break, actor: "uid:\(caller.uid)")
                return .json(200, DocumentMapping.document(found, in: breaks))
            case .watch:
                return .error(.badRequest, "the change stream is served by the connection handler")
            case .metrics:
                sync?.recordGauges()
                return ControlReply(status: 200, body: try site.status.metricsExposition(), contentType: "text/plain; version=0.0.4")
            }
        } catch {
            return failure(error, route: route, caller: caller, record: record)
        }
    }

    /// The reply to a route that threw: a refusal with its code, or an internal error; logged
    /// either way.
    func failure(_ error: any Error, route: ControlRoute, caller: PeerCredentials, record: String?) -> ControlReply {
        if let (code, message) = controlRefusal(of: error) {
            // The message is the caller's: it quotes ids, tags, fields and levels of the request.
            logger.notice(
                "control.refused", metadata: route.logMetadata(caller: caller, record: record, site: site, ["error.code": "\(code.rawValue)"]))
            return .error(code, message)
        }
        logger.error("control.failed", metadata: .error(error, route.logMetadata(caller: caller, record: record, site: site)))
        return .error(.internal, "internal error: \(error)")
    }

    func requireSync() throws -> SyncService {
        guard let sync else { throw DaemonError.request(.unavailable, "federation sync is not running in this daemon") }
        return sync
    }

    func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws -> T {
        guard !body.isEmpty else { throw DaemonError.request(.invalidJSON, "the request needs a JSON body") }
        guard ControlJSON.nestingDepth(of: body, stoppingAbove: ControlJSON.maxRequestNesting) <= ControlJSON.maxRequestNesting else {
            throw DaemonError.request(
                .invalidJSON,
                "the request nests arrays and objects more than \(ControlJSON.maxRequestNesting) levels deep (field values may nest 32)")
        }
        do {
            return try ControlJSON.decoder().decode(type, from: Data(body))
        } catch let DecodingError.dataCorrupted(context) {
            throw DaemonError.request(.invalidJSON, "malformed JSON: \(Self.describe(context))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.keyNotFound(_, context)
        {
            throw DaemonError.request(.invalidJSON, "malformed request: \(Self.describe(context))")
        } catch {
            throw DaemonError.request(.invalidJSON, "malformed JSON: \(error)")
        }
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        let detail = (context.underlyingError as NSError?)?.localizedDescription ?? context.debugDescription
        return path.isEmpty ? detail : "\(path): \(context.debugDescription)"
    }
}
