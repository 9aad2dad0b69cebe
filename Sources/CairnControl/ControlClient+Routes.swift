import Foundation

extension ControlClient {
    /// `GET /v1/status`: who the daemon is and what it holds.
    public func status() throws(ControlClientError) -> StatusDocument {
        try call(StatusDocument.self, method: "GET", path: "/v1/status").0
    }

    /// `GET /v1/digest`: a fingerprint of the records held, per level and overall; two sites
    /// holding the same records report the same digests.
    public func digest() throws(ControlClientError) -> DigestDocument {
        try call(DigestDocument.self, method: "GET", path: "/v1/digest").0
    }

    /// `POST /v1/records`: creates or updates a record; `created` is true for a new record (201).
    public func putRecord(_ request: PutRecordRequest) throws(ControlClientError) -> (RecordDocument, created: Bool) {
        let body: Data
        do {
            body = try ControlJSON.compactEncoder().encode(request)
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
        let (record, response) = try call(RecordDocument.self, method: "POST", path: "/v1/records", body: body)
        return (record, created: response.status == 201)
    }

    /// `POST /v1/records` asking for the minimal reply (`Prefer: return=minimal`): which record
    /// was written (`created` true for a new one), without the record, which the daemon then
    /// neither encodes nor sends. For callers that only need the id.
    public func putRecordMinimal(_ request: PutRecordRequest) throws(ControlClientError) -> (RecordWrittenDocument, created: Bool) {
        let body: Data
        do {
            body = try ControlJSON.compactEncoder().encode(request)
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
        let (written, response) = try call(
            RecordWrittenDocument.self, method: "POST", path: "/v1/records", body: body, headers: [("Prefer", "return=minimal")])
        return (written, created: response.status == 201)
    }

    /// `GET /v1/records/{id}`: one record, deleted ones included (with `deleted` set). With
    /// `level`, the record with that id at that level; without, the highest held.
    public func getRecord(id: String, level: String? = nil) throws(ControlClientError) -> RecordDocument {
        try call(RecordDocument.self, method: "GET", path: ControlPath.withQuery(ControlPath.record(id), [("class", level)])).0
    }

    /// `GET /v1/records`: the records matching every given filter, sorted by id.
    public func listRecords(
        class level: String? = nil, type: String? = nil, tag: String? = nil, deleted: DeletedFilter? = nil,
        conflicts: Bool? = nil
    ) throws(ControlClientError) -> [RecordDocument] {
        let path = ControlPath.withQuery(
            "/v1/records",
            [("class", level), ("type", type), ("tag", tag), ("deleted", deleted?.rawValue), ("conflicts", conflicts.map { "\($0)" })])
        return try call([RecordDocument].self, method: "GET", path: path).0
    }

    /// `DELETE /v1/records/{id}`: deletes a record and returns it as it now is.
    public func deleteRecord(id: String, level: String? = nil) throws(ControlClientError) -> RecordDocument {
        try call(RecordDocument.self, method: "DELETE", path: ControlPath.withQuery(ControlPath.record(id), [("class", level)])).0
    }

    /// `POST /v1/records/{id}/reclassify`: moves a record to another level; returns it as it
    /// now is.
    public func reclassifyRecord(id: String, to level: String, from: String? = nil) throws(ControlClientError) -> RecordDocument {
        let body: Data
        do {
            body = try ControlJSON.compactEncoder().encode(ReclassifyRequest(classification: level, from: from))
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
        return try call(RecordDocument.self, method: "POST", path: ControlPath.record(id, "reclassify"), body: body).0
    }

    /// `POST /v1/records/{id}/retract`: withdraws a record from every site.
    public func retractRecord(id: String, reason: String, level: String? = nil) throws(ControlClientError) -> RetractDocument {
        let body: Data
        do {
            body = try ControlJSON.compactEncoder().encode(RetractRequest(reason: reason))
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
        return try call(
            RetractDocument.self, method: "POST", path: ControlPath.withQuery(ControlPath.record(id, "retract"), [("class", level)]),
            body: body
        ).0
    }

    /// `GET /v1/records/{id}/history`: the deltas that touched a record, oldest first.
    public func history(id: String, level: String? = nil) throws(ControlClientError) -> [HistoryEntry] {
        try call([HistoryEntry].self, method: "GET", path: ControlPath.withQuery(ControlPath.record(id, "history"), [("class", level)])).0
    }

    /// `GET /v1/audit`: audit entries after `after`, oldest first (needs the write right).
    public func auditEntries(after: Int64 = 0, limit: Int = 1000) throws(ControlClientError) -> [AuditEntryDocument] {
        try call(
            [AuditEntryDocument].self, method: "GET",
            path: ControlPath.withQuery("/v1/audit", [("after", String(after)), ("limit", String(limit))])
        ).0
    }

    /// `GET /v1/audit/verify`: checks the whole chain in the daemon.
    public func verifyAudit() throws(ControlClientError) -> AuditVerifyDocument {
        try call(AuditVerifyDocument.self, method: "GET", path: "/v1/audit/verify").0
    }

    /// `GET /v1/audit/export`: every entry and the head signed by the device.
    public func exportAudit() throws(ControlClientError) -> AuditExportDocument {
        try call(AuditExportDocument.self, method: "GET", path: "/v1/audit/export").0
    }

    /// `POST /v1/audit/acknowledge`: acknowledges the chain break recorded at entry `seq`.
    public func acknowledgeAuditBreak(_ seq: Int64) throws(ControlClientError) -> AuditBreakDocument {
        let body: Data
        do {
            body = try ControlJSON.compactEncoder().encode(AuditAcknowledgeRequest(break: seq))
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
        return try call(AuditBreakDocument.self, method: "POST", path: "/v1/audit/acknowledge", body: body).0
    }

    /// `GET /metrics`: every metric in the Prometheus text format.
    public func metrics() throws(ControlClientError) -> String {
        let response = try send(method: "GET", path: "/metrics")
        guard response.isSuccess else { throw response.refusal() }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// `GET /v1/watch`: calls `onEvent` for each change as it is committed, until `onEvent`
    /// returns false or the daemon closes the stream. The overall deadline does not apply.
    public func watch(class level: String? = nil, _ onEvent: (WatchEvent) -> Bool) throws(ControlClientError) {
        let connection = try UnixSocketConnection(path: socketPath, timeout: 100 * 365 * 86_400)
        try connection.writeAll(Self.request(method: "GET", path: ControlPath.withQuery("/v1/watch", [("class", level)]), body: nil))
        _ = try Self.readLines(from: connection) { line throws(ControlClientError) in
            do {
                return onEvent(try ControlJSON.decoder().decode(WatchEvent.self, from: Data(line)))
            } catch {
                throw .badResponse("a change-stream line is not a watch event: \(error)")
            }
        }
    }
}
