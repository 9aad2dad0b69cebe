import CairnControl

extension ControlAPI {
    /// Routes that wait for something other than a short store read: `POST /v1/sync` with
    /// `wait` waits for peers, and every write waits for its ledger group to be durable. They
    /// run as tasks, never on the thread pool, so that any number of waiting callers hold no
    /// thread (the ledger builds their jobs on its own queue).
    static func waits(_ route: ControlRoute) -> Bool {
        switch route {
        case .sync, .putRecord, .reclassifyRecord, .retractRecord, .deleteRecord: return true
        default: return false
        }
    }

    /// Runs a route for which `waits` is true; the caller's right has been checked. `minimal`:
    /// the caller asked for the minimal reply to a put (`Prefer: return=minimal`).
    func handleWaiting(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials, minimal: Bool = false) async -> ControlReply {
        let reply: ControlReply
        // The record a log line may name by its keyed hash: the path's, or a put's once decoded.
        var record = route.recordParameter
        do {
            switch route {
            case .sync:
                let request = try decode(SyncRequest.self, from: body)
                reply = .json(200, try await requireSync().syncNow(request))
            case .putRecord:
                let request = try decode(PutRecordRequest.self, from: body)
                record = request.id
                let (state, created) = try await site.records.put(DocumentMapping.edit(request), actor: "uid:\(caller.uid)")
                // Debug, not info: a line per write cost more than a tenth of the write path, and
                // the audit log already keeps one entry per write (a refusal is a notice).
                logger.debug(
                    "control.record_put",
                    metadata: route.logMetadata(
                        caller: caller, record: state.id.rawValue, site: site,
                        ["record.level": "\(state.level)", "record.created": "\(created)"]))
                if minimal {
                    reply = .written(id: state.id.rawValue, level: state.level, created: created)
                } else {
                    reply = .json(created ? 201 : 200, DocumentMapping(site: site).document(state))
                }
            case .reclassifyRecord(let id):
                let request = try decode(ReclassifyRequest.self, from: body)
                let document = DocumentMapping(site: site).document(
                    try await site.withdrawal.reclassify(id: id, to: request.classification, from: request.from, actor: "uid:\(caller.uid)"))
                logger.info(
                    "control.record_reclassified",
                    metadata: route.logMetadata(caller: caller, record: record, site: site, ["record.level": "\(document.classification)"]))
                reply = .json(200, document)
            case .retractRecord(let id, let level):
                let request = try decode(RetractRequest.self, from: body)
                let document = DocumentMapping.document(
                    try await site.withdrawal.retract(id: id, level: level, reason: request.reason, actor: "uid:\(caller.uid)"))
                logger.info(
                    "control.record_retracted",
                    metadata: route.logMetadata(caller: caller, record: record, site: site, ["record.level": "\(document.classification)"]))
                reply = .json(200, document)
            case .deleteRecord(let id, let level):
                let document = DocumentMapping(site: site).document(try await site.records.delete(id: id, level: level, actor: "uid:\(caller.uid)"))
                logger.info(
                    "control.record_deleted",
                    metadata: route.logMetadata(caller: caller, record: record, site: site, ["record.level": "\(document.classification)"]))
                reply = .json(200, document)
            default:
                reply = .error(.internal, "route \(route.name) does not wait; it is served on the thread pool")
            }
        } catch {
            reply = failure(error, route: route, caller: caller, record: record)
        }
        site.metrics.count("cairn_control_requests_total", [("route", route.name), ("status", String(reply.status))])
        return reply
    }
}
