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

    /// `minimal`: the caller asked for the minimal reply to a write (`Prefer: return=minimal`).
    func handle(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials, minimal: Bool = false) -> ControlReply {
        let reply = respond(route, body: body, caller: caller, minimal: minimal)
        site.metrics.count("cairn_control_requests_total", [("route", route.name), ("status", String(reply.status))])
        return reply
    }

    private func respond(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials, minimal: Bool) -> ControlReply {
        // The record a log line may name by its keyed hash: the path's, or a put's once decoded.
        var record = route.recordParameter
        do {
            switch route {
            case .status:
                var status = try site.status()
                if let sync { status.sync = SyncStatusDocument(listen: sync.listenAddress.withLock { $0 }, peers: sync.peerDocuments()) }
                return .json(200, status)
            case .listPeers:
                return .json(200, SyncStatusDocument(listen: sync?.listenAddress.withLock { $0 }, peers: sync?.peerDocuments() ?? []))
            case .addPeer:
                let request = try decode(AddPeerRequest.self, from: body)
                let document = try requireSync().addPeer(request)
                try site.audit("peer.added", actor: "uid:\(caller.uid)", detail: ["peer": request.name, "address": request.address])
                return .json(201, document)
            case .removePeer(let name):
                try requireSync().removePeer(named: name)
                try site.audit("peer.removed", actor: "uid:\(caller.uid)", detail: ["peer": name])
                return .json(200, ["removed": name])
            case .sync:
                let request = try decode(SyncRequest.self, from: body)
                return .json(200, try requireSync().syncNow(request))
            case .listDevices:
                return .json(200, site.deviceDocuments())
            case .listKeys:
                return .json(200, site.keysDocument())
            case .bundleExport, .bundleImport, .bundleVector:
                return try respondBundle(route, body: body, caller: caller)
            case .revoke:
                let request = try decode(SignedObjectRequest.self, from: body)
                return .json(200, try site.revoke(request, actor: "uid:\(caller.uid)"))
            case .amendCharter:
                let request = try decode(SignedObjectRequest.self, from: body)
                return .json(200, try site.amendCharter(request, actor: "uid:\(caller.uid)"))
            case .digest:
                return .json(200, try site.stateDigest().document)
            case .listRecords(let level, let type, let tag, let deleted):
                return .json(200, try site.list(level: level, type: type, tag: tag, deleted: deleted))
            case .getRecord(let id, let level):
                return .json(200, try site.get(id: id, level: level))
            case .history(let id, let level):
                return .json(200, try site.history(id: id, level: level))
            case .auditList(let after, let limit):
                return .json(200, try site.auditEntries(after: after, limit: limit))
            case .auditVerify:
                return .json(200, try site.verifyAudit())
            case .auditExport:
                return .json(200, try site.exportAudit())
            case .auditAcknowledge:
                let request = try decode(AuditAcknowledgeRequest.self, from: body)
                return .json(200, try site.acknowledgeAuditBreak(request.break, actor: "uid:\(caller.uid)"))
            case .watch:
                return .error(.badRequest, "the change stream is served by the connection handler")
            case .metrics:
                sync?.recordGauges()
                return ControlReply(status: 200, body: try site.metricsExposition(), contentType: "text/plain; version=0.0.4")
            case .putRecord:
                let request = try decode(PutRecordRequest.self, from: body)
                record = request.id
                let (document, created) = try site.put(request, actor: "uid:\(caller.uid)")
                // Debug, not info: a line per write cost more than a tenth of the write path, and
                // the audit log already keeps one entry per write (a refusal is a notice below).
                logger.debug(
                    "control.record_put",
                    metadata: route.logMetadata(
                        caller: caller, record: document.id, site: site,
                        ["record.level": "\(document.classification)", "record.created": "\(created)"]))
                if minimal { return .written(id: document.id, level: document.classification, created: created) }
                return .json(created ? 201 : 200, document)
            case .reclassifyRecord(let id):
                let request = try decode(ReclassifyRequest.self, from: body)
                let document = try site.reclassify(
                    id: id, to: request.classification, from: request.from, actor: "uid:\(caller.uid)")
                logger.info(
                    "control.record_reclassified",
                    metadata: route.logMetadata(caller: caller, record: record, site: site, ["record.level": "\(document.classification)"]))
                return .json(200, document)
            case .retractRecord(let id, let level):
                let request = try decode(RetractRequest.self, from: body)
                let document = try site.retract(id: id, level: level, reason: request.reason, actor: "uid:\(caller.uid)")
                logger.info(
                    "control.record_retracted",
                    metadata: route.logMetadata(caller: caller, record: record, site: site, ["record.level": "\(document.classification)"]))
                return .json(200, document)
            case .deleteRecord(let id, let level):
                let document = try site.delete(id: id, level: level, actor: "uid:\(caller.uid)")
                logger.info(
                    "control.record_deleted",
                    metadata: route.logMetadata(caller: caller, record: record, site: site, ["record.level": "\(document.classification)"]))
                return .json(200, document)
            }
        } catch DaemonError.request(let code, let message) {
            // The message is the caller's: it quotes ids, tags, fields and levels of the request.
            logger.notice(
                "control.refused", metadata: route.logMetadata(caller: caller, record: record, site: site, ["error.code": "\(code.rawValue)"]))
            return .error(code, message)
        } catch {
            logger.error("control.failed", metadata: .error(error, route.logMetadata(caller: caller, record: record, site: site)))
            return .error(.internal, "internal error: \(error)")
        }
    }

    private func requireSync() throws -> SyncService {
        guard let sync else { throw DaemonError.request(.unavailable, "federation sync is not running in this daemon") }
        return sync
    }

    private func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws -> T {
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
