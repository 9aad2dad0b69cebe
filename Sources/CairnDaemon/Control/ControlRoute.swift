import CairnControl

/// What a caller may do through the control socket.
enum AccessRight: Int, Comparable, Sendable {
    case none = 0
    case read = 1
    case write = 2

    static func < (lhs: AccessRight, rhs: AccessRight) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The control API's versioned route table. Pure: a method and a target in, a route (with the
/// right it needs) or a refusal out. Handlers run only after the caller's right is checked.
enum ControlRoute: Equatable, Sendable {
    case status
    /// `conflicts`: only records with a field whose concurrent writes are unresolved.
    case listRecords(level: String?, type: String?, tag: String?, deleted: DeletedFilter, conflicts: Bool = false)
    case putRecord
    /// The record routes name an id and, with `?class=`, the level of the record with that id
    /// (a site may hold one id at several levels; Docs/DataModel.md).
    case getRecord(String, level: String? = nil)
    case deleteRecord(String, level: String? = nil)
    case history(String, level: String? = nil)
    case reclassifyRecord(String)
    case retractRecord(String, level: String? = nil)
    case auditList(after: Int64, limit: Int)
    case auditVerify
    case auditExport
    case auditAcknowledge
    case metrics
    /// The change stream; with `?class=`, of that level only (checked against the clearance
    /// before the stream starts, as a listing's level is).
    case watch(level: String? = nil)
    case listPeers
    case addPeer
    case removePeer(String)
    case sync
    case digest
    case listDevices
    case revoke
    case amendCharter
    case listKeys
    case bundleExport(progress: Bool)
    case bundleImport(dryRun: Bool, progress: Bool)
    case bundleVector

    var requiredRight: AccessRight {
        switch self {
        case .status, .listRecords, .getRecord, .history, .metrics, .watch, .listPeers: return .read
        case .digest: return .read
        case .listDevices, .listKeys: return .read
        case .revoke, .amendCharter: return .write
        case .putRecord, .deleteRecord, .addPeer, .removePeer, .sync: return .write
        case .reclassifyRecord, .retractRecord: return .write
        // The audit trail says who did what: for administrators only.
        case .auditList, .auditVerify, .auditExport, .auditAcknowledge: return .write
        case .bundleExport, .bundleImport, .bundleVector: return .write
        }
    }

    /// The route's name without its parameters (record ids never reach logs or the audit log).
    var name: String {
        switch self {
        case .status: return "status"
        case .listRecords: return "records.list"
        case .putRecord: return "records.put"
        case .getRecord: return "records.get"
        case .deleteRecord: return "records.delete"
        case .history: return "records.history"
        case .reclassifyRecord: return "records.reclassify"
        case .retractRecord: return "records.retract"
        case .auditList: return "audit.list"
        case .auditVerify: return "audit.verify"
        case .auditExport: return "audit.export"
        case .auditAcknowledge: return "audit.acknowledge"
        case .metrics: return "metrics"
        case .watch: return "watch"
        case .listPeers: return "peers.list"
        case .addPeer: return "peers.add"
        case .removePeer: return "peers.remove"
        case .sync: return "sync"
        case .digest: return "digest"
        case .listDevices: return "devices.list"
        case .revoke: return "revocations.add"
        case .amendCharter: return "charter.amend"
        case .listKeys: return "keys.list"
        case .bundleExport: return "bundles.export"
        case .bundleImport: return "bundles.import"
        case .bundleVector: return "bundles.vector"
        }
    }

    /// Whether the route reads a request body.
    var takesBody: Bool {
        if case .reclassifyRecord = self { return true }
        if case .retractRecord = self { return true }
        if case .bundleImport = self { return true }
        if case .bundleExport = self { return true }
        return self == .putRecord || self == .addPeer || self == .sync || self == .revoke || self == .amendCharter
            || self == .auditAcknowledge
    }

    /// Resolves `method` and `target` (path and query); throws a `DaemonError.request` with
    /// `not_found`, `method_not_allowed` or `bad_request`.
    static func resolve(method: String, target: String) throws -> ControlRoute {
        let (path, decodedSegments, query) = try RequestTarget.split(target)
        // Segments are split before decoding, so an encoded '/' (%2F) stays inside its segment.
        let segments = Array(decodedSegments.dropFirst())
        // Prometheus scrapes the conventional unversioned path.
        if segments == ["metrics"] {
            guard method == "GET" else { throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)") }
            return .metrics
        }
        guard segments.first == "v1" else { throw notFound(path) }
        let rest = Array(segments.dropFirst())
        if rest.first == "audit" { return try auditRoute(method: method, rest: rest, query: query, path: path) }
        if rest.first == "peers" { return try peersRoute(method: method, rest: rest, path: path) }
        if rest == ["sync"] {
            guard method == "POST" else { throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)") }
            return .sync
        }
        if let route = try trustRoute(method: method, rest: rest, path: path) { return route }
        if rest.first == "bundles" { return try bundleRoute(method: method, rest: rest, query: query, path: path) }
        if rest == ["digest"] {
            guard method == "GET" else { throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)") }
            return .digest
        }
        if rest == ["watch"] {
            guard method == "GET" else { throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)") }
            return .watch(level: try recordLevel(query))
        }
        let actions = ["history", "reclassify", "retract"]
        let known = (rest == ["status"]) || (rest.first == "records" && (rest.count == 1 || rest.count == 2 || (rest.count == 3 && actions.contains(rest[2]))))
        guard known, rest.count < 2 || !rest[1].isEmpty else { throw notFound(path) }
        switch (method, rest.count) {
        case ("GET", 1) where rest[0] == "status":
            return .status
        case ("GET", 1):
            return try listRoute(query)
        case ("POST", 1) where rest[0] == "records":
            return .putRecord
        case ("GET", 2):
            return .getRecord(rest[1], level: try recordLevel(query))
        case ("DELETE", 2):
            return .deleteRecord(rest[1], level: try recordLevel(query))
        case ("GET", 3) where rest[2] == "history":
            return .history(rest[1], level: try recordLevel(query))
        case ("POST", 3) where rest[2] == "reclassify":
            // The level moved from travels in the body (`from`).
            _ = try recordLevel(query, known: [])
            return .reclassifyRecord(rest[1])
        case ("POST", 3) where rest[2] == "retract":
            return .retractRecord(rest[1], level: try recordLevel(query))
        default:
            throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)")
        }
    }

    /// `GET /v1/devices`, `POST /v1/revocations`, `POST /v1/charter`, `GET /v1/keys`.
    private static func trustRoute(method: String, rest: [String], path: String) throws -> ControlRoute? {
        let routes: [String: (method: String, route: ControlRoute)] = [
            "devices": ("GET", .listDevices), "revocations": ("POST", .revoke), "charter": ("POST", .amendCharter),
            "keys": ("GET", .listKeys),
        ]
        guard rest.count == 1, let entry = routes[rest[0]] else { return nil }
        guard method == entry.method else { throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)") }
        return entry.route
    }

    private static func peersRoute(method: String, rest: [String], path: String) throws -> ControlRoute {
        switch (method, rest.count) {
        case ("GET", 1): return .listPeers
        case ("POST", 1): return .addPeer
        case ("DELETE", 2) where !rest[1].isEmpty: return .removePeer(rest[1])
        case (_, 1), (_, 2): throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)")
        default: throw notFound(path)
        }
    }

    private static func auditRoute(method: String, rest: [String], query: [String: String], path: String) throws -> ControlRoute {
        guard rest.count <= 2, rest.count == 1 || ["verify", "export", "acknowledge"].contains(rest[1]) else { throw notFound(path) }
        if rest.count == 2, rest[1] == "acknowledge" {
            guard method == "POST" else { throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)") }
            return .auditAcknowledge
        }
        guard method == "GET" else { throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)") }
        if rest.count == 2 { return rest[1] == "verify" ? .auditVerify : .auditExport }
        if let key = Set(query.keys).subtracting(["after", "limit"]).sorted().first {
            throw DaemonError.request(.badRequest, "unknown query parameter \"\(key)\" (known: after, limit)")
        }
        guard let after = Int64(query["after"] ?? "0"), after >= 0, let limit = Int(query["limit"] ?? "1000"), (1...10_000).contains(limit) else {
            throw DaemonError.request(.badRequest, "after must be a sequence number ≥ 0 and limit between 1 and 10000")
        }
        return .auditList(after: after, limit: limit)
    }

    /// The `class` query parameter of a route on one record (the only one it takes).
    private static func recordLevel(_ query: [String: String], known: Set<String> = ["class"]) throws -> String? {
        if let key = Set(query.keys).subtracting(known).sorted().first {
            let list = known.isEmpty ? "none" : known.sorted().joined(separator: ", ")
            throw DaemonError.request(.badRequest, "unknown query parameter \"\(key)\" (known: \(list))")
        }
        return query["class"]
    }

    private static func listRoute(_ query: [String: String]) throws -> ControlRoute {
        let unknown = Set(query.keys).subtracting(["class", "type", "tag", "deleted", "conflicts"])
        if let key = unknown.sorted().first {
            throw DaemonError.request(.badRequest, "unknown query parameter \"\(key)\" (known: class, type, tag, deleted, conflicts)")
        }
        var conflicts = false
        if let raw = query["conflicts"] {
            guard let parsed = Bool(raw) else { throw DaemonError.request(.badRequest, "conflicts must be true or false") }
            conflicts = parsed
        }
        var deleted = DeletedFilter.exclude
        if let raw = query["deleted"] {
            guard let parsed = DeletedFilter(rawValue: raw) else {
                throw DaemonError.request(.badRequest, "deleted must be exclude, include or only")
            }
            deleted = parsed
        }
        return .listRecords(level: query["class"], type: query["type"], tag: query["tag"], deleted: deleted, conflicts: conflicts)
    }

    private static func notFound(_ path: String) -> DaemonError {
        .request(.notFound, "no route \(path) (the API lives under /v1/)")
    }
}

/// Splitting and percent-decoding of a request target.
enum RequestTarget {
    static let maxLength = 8192

    static func split(_ target: String) throws -> (path: String, segments: [String], query: [String: String]) {
        guard target.utf8.count <= maxLength else { throw DaemonError.request(.badRequest, "request target too long") }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let rawPath = String(parts[0])
        guard rawPath.hasPrefix("/") else { throw DaemonError.request(.badRequest, "request target must be an absolute path") }
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") where !pair.isEmpty {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = try decode(String(kv[0]), plusIsSpace: true)
                let value = kv.count == 2 ? try decode(String(kv[1]), plusIsSpace: true) : ""
                guard query[key] == nil else { throw DaemonError.request(.badRequest, "query parameter \"\(key)\" given twice") }
                query[key] = value
            }
        }
        let segments = try rawPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { try decode(String($0), plusIsSpace: false) }
        return (segments.joined(separator: "/"), segments, query)
    }

    static func decode(_ text: String, plusIsSpace: Bool) throws -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw DaemonError.request(.badRequest, "bad percent-encoding in the request target")
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw DaemonError.request(.badRequest, "the request target is not valid UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
