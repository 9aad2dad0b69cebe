import Logging

extension ControlRoute {
    /// The record id a route's path names, if any: hashed (`Site.logRef`) before any log sees it.
    var recordParameter: String? {
        switch self {
        case .getRecord(let id, _), .deleteRecord(let id, _), .history(let id, _), .reclassifyRecord(let id),
            .retractRecord(let id, _):
            return id
        default:
            return nil
        }
    }

    /// What a log line says of a request: the route's parameter-free name, the caller, and the
    /// record it concerns as a keyed hash. Never the target, a query or the body: they carry
    /// record ids, types, tags and levels asked for.
    func logMetadata(caller: PeerCredentials, record: String?, site: Site, _ other: Logger.Metadata = [:])
        -> Logger.Metadata
    {
        var metadata = other
        metadata["request.route"] = .string(name)
        metadata["caller.uid"] = "\(caller.uid)"
        if let record { metadata["record.ref"] = .string(site.records.logRef(record)) }
        return metadata
    }
}
