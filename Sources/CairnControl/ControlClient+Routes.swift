import Foundation

extension ControlClient {
    /// `GET /v1/status`: who the daemon is and what it holds.
    public func status() throws(ControlClientError) -> StatusDocument {
        try call(StatusDocument.self, method: "GET", path: "/v1/status").0
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

    /// `GET /v1/records/{id}`: one record, deleted ones included (with `deleted` set).
    public func getRecord(id: String) throws(ControlClientError) -> RecordDocument {
        try call(RecordDocument.self, method: "GET", path: ControlPath.record(id)).0
    }

    /// `GET /v1/records`: the records matching every given filter, sorted by id.
    public func listRecords(
        class level: String? = nil, type: String? = nil, tag: String? = nil, deleted: DeletedFilter? = nil
    ) throws(ControlClientError) -> [RecordDocument] {
        let path = ControlPath.withQuery(
            "/v1/records",
            [("class", level), ("type", type), ("tag", tag), ("deleted", deleted?.rawValue)])
        return try call([RecordDocument].self, method: "GET", path: path).0
    }

    /// `DELETE /v1/records/{id}`: deletes a record and returns it as it now is.
    public func deleteRecord(id: String) throws(ControlClientError) -> RecordDocument {
        try call(RecordDocument.self, method: "DELETE", path: ControlPath.record(id)).0
    }

    /// `GET /v1/records/{id}/history`: the deltas that touched a record, oldest first.
    public func history(id: String) throws(ControlClientError) -> [HistoryEntry] {
        try call([HistoryEntry].self, method: "GET", path: ControlPath.record(id, "history")).0
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

    /// `GET /metrics`: every metric in the Prometheus text format.
    public func metrics() throws(ControlClientError) -> String {
        let response = try send(method: "GET", path: "/metrics")
        guard response.isSuccess else { throw response.refusal() }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// `GET /v1/watch`: calls `onEvent` for each change as it is committed, until `onEvent`
    /// returns false or the daemon closes the stream. The overall deadline does not apply.
    public func watch(_ onEvent: (WatchEvent) -> Bool) throws(ControlClientError) {
        let connection = try UnixSocketConnection(path: socketPath, timeout: 100 * 365 * 86_400)
        try connection.writeAll(Self.request(method: "GET", path: "/v1/watch", body: nil))
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var head: [UInt8] = []
        var decoder = ChunkedLineDecoder()
        var streaming = false
        while true {
            let count = try connection.read(into: &buffer)
            if count == 0 { return }
            var bytes = buffer[..<count]
            if !streaming {
                head.append(contentsOf: bytes)
                guard let end = Self.endOfHead(head) else {
                    if head.count > 64 * 1024 { throw .badResponse("response head too large") }
                    continue
                }
                let status = String(decoding: head.prefix(12), as: UTF8.self)
                guard status.hasPrefix("HTTP/1.1 200") else {
                    // An error document: read the rest through the ordinary parser.
                    var parser = HTTPResponseParser()
                    try parser.feed(head[...])
                    while !parser.isComplete {
                        let more = try connection.read(into: &buffer)
                        if more == 0 { break }
                        try parser.feed(buffer[..<more])
                    }
                    throw try parser.finish().refusal()
                }
                bytes = head[end...][...]
                streaming = true
            }
            for line in try decoder.feed(bytes) where !line.isEmpty {
                do {
                    let event = try ControlJSON.decoder().decode(WatchEvent.self, from: Data(line))
                    if !onEvent(event) { return }
                } catch {
                    throw .badResponse("a change-stream line is not a watch event: \(error)")
                }
            }
            if decoder.finished { return }
        }
    }

    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }
}
